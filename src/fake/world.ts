import { randomUUID } from "node:crypto";
import type { PlanSnapshot } from "../protocol/index.js";
import { type Clock, systemClock } from "../time/clock.js";
import { type AuthResult, apiKeyOf, checkApiKey, DOUBLE_API_KEY } from "./auth.js";
import { createDownloads, type DownloadResult } from "./downloads.js";
import { applyDrift, type ContractDrift } from "./drift.js";
import { failPlan as failRecord } from "./plans.js";
import { createRateLimiter, type RateBucket, type RateLimitOptions } from "./rate-limit.js";
import { type FailAtStep, scriptedFailure } from "./scripted-failure.js";
import { PLAN_STEPS } from "./steps.js";
import { createMemoryPlanStore, type PlanExeState, type PlanStore } from "./store.js";
import { createToolCalls } from "./tool-calls.js";
import { type ExtraToolSpec, extraTool } from "./tools/extra.js";
import { PLANEXE_TOOLS, type ToolDefinition, type ToolSettings } from "./tools/index.js";
import type {
  Caller,
  FeedbackRecord,
  PlanFailure,
  PlanRecord,
  ToolErrorBody,
  ToolOutcome,
} from "./types.js";
import { snapshotOf } from "./views.js";
import { createWorkerService, type PlanExeWorker } from "./worker.js";

/** Options of {@link createPlanExeWorld}. */
export interface PlanExeWorldOptions {
  /** Where time comes from. @default systemClock */
  clock?: Clock;
  /** How long a plan runs, start to finish, in seconds of clock time (split over 20 steps). @default 60 */
  planSeconds?: number;
  /** Plans the worker runs at once; 0 runs no worker in this world (an HTTP-only replica). @default 1 */
  workers?: number;
  /** How often an idle worker polls the store for pending plans. @default 1000 */
  workerPollMs?: number;
  /** Start the worker at once. @default true */
  startWorker?: boolean;
  /** Where plans live. @default an in-memory store */
  store?: PlanStore;
  /**
   * The API keys PlanExe knows (its users' `pex_…` keys). With `auth` on, every
   * request but `initialize`, `tools/list` and the free tools needs one of them.
   * @default [DOUBLE_API_KEY]
   */
  apiKeys?: readonly string[];
  /**
   * Require an API key, as PlanExe does by default (`PLANEXE_MCP_REQUIRE_AUTH`).
   * `false` is PlanExe with auth off: no key needed, but a key that is sent must
   * still be one of `apiKeys` (PlanExe refuses a bad key either way).
   * @default true
   */
  auth?: boolean;
  /** PlanExe's 60 / 60 s sliding-window limit (`true`), custom numbers, or none (`false`). @default true */
  rateLimit?: boolean | RateLimitOptions;
  /** plan_create, plan_retry and plan_resume answer INSUFFICIENT_CREDITS. @default false */
  insufficientCredits?: boolean;
  /** Make plans fail at a step (a number is `{ step }`). @default undefined */
  failAtStep?: number | FailAtStep;
  /** The plan_create dedup window. @default 600_000 */
  dedupWindowMs?: number;
  /** The pipeline version stamped on plans; plan_resume refuses other versions. @default 1 */
  pipelineVersion?: number;
  /** HMAC secret of download tokens; replicas of one deployment share it. @default "planexe-fake-download-secret" */
  downloadSecret?: string;
  /** Public origin for sse_url and download_url when a call has none. @default "http://localhost:8001" */
  baseUrl?: string;
  /** Plan and feedback ids. @default crypto.randomUUID */
  newId?: () => string;
  /**
   * Tools listed after the contract's, as a newer PlanExe release would list them
   * (to test clients built without them); each answers `{ tool, arguments }`. @default []
   */
  extraTools?: readonly ExtraToolSpec[];
  /** List the tools differently from PlanExe (to test drift checks). @default undefined (as PlanExe) */
  drift?: ContractDrift;
}

/** The PlanExe domain: "Postgres + worker". One world serves many app replicas. */
export interface PlanExeWorld {
  readonly clock: Clock;
  readonly store: PlanStore;
  readonly worker: PlanExeWorker;
  readonly tools: readonly ToolDefinition[];
  /** Feedback received by send_feedback, oldest first. */
  readonly feedback: readonly FeedbackRecord[];
  /** True unless the world was made with `auth: false`. */
  readonly authRequired: boolean;
  readonly baseUrl: string;
  /**
   * Checks the key a request carries (`Authorization`, `X-API-Key`, … or the query),
   * as PlanExe does: missing is refused only with auth on, unknown always.
   */
  authenticate(request: Request): AuthResult;
  /** Runs a tool as `caller` (no auth check: the front door does that). */
  callTool(name: string, args: unknown, caller?: Partial<Caller>): ToolOutcome;
  /** The plan's progress-stream snapshot now, or `undefined` for an unknown plan. */
  snapshot(planId: string): PlanSnapshot | undefined;
  /** The stored row (a copy). */
  getPlan(planId: string): PlanRecord | undefined;
  /** Fails a pending or processing plan now, as the pipeline would. False when it was not running. */
  failPlan(planId: string, failure?: Partial<PlanFailure>): boolean;
  setInsufficientCredits(on: boolean): void;
  /**
   * Makes the next `times` calls of `tool` fail: with a handler's refusal `error`
   * (`isError: true` and `structuredContent.error`, e.g. `MODEL_PROFILES_UNAVAILABLE`),
   * or with `{ text }`: a text-only error, as PlanExe answers when the server throws
   * (its database down), e.g. `{ text: "Error executing tool plan_status: connection refused" }`.
   * @default times 1
   */
  failNextCall(
    tool: string,
    error: ToolErrorBody | { text: string },
    options?: { times?: number },
  ): void;
  /**
   * While `false`, the bytes of reports and zips are missing, as while PlanExe's
   * `worker_plan` is down or being deployed: `plan_file_info` answers
   * `{error: {code: "content_unavailable"}}` (`isError: false`) where it would be
   * ready, and downloads answer 404.
   */
  setContentAvailable(available: boolean): void;
  /** Spends one request of `clientKey`'s budget; false when over the limit. */
  takeRateLimit(clientKey: string, bucket: RateBucket): boolean;
  /** The `Retry-After` a 429 carries (`rateLimit.retryAfterSeconds`); PlanExe sends none. */
  readonly rateLimitRetryAfterSeconds: number | undefined;
  /** True when `token` is a valid, unexpired download token for this plan's file. */
  downloadTokenValid(planId: string, fileName: string, token: string | null): boolean;
  /** A download: a valid `token` (or `keyAccepted`, a valid API key on the request) returns the bytes. */
  download(
    planId: string,
    fileName: string,
    token: string | null,
    keyAccepted?: boolean,
  ): DownloadResult;
  exportState(): PlanExeState;
  /** Replaces (by plan_id) the plans in the store with `state`'s. */
  importState(state: PlanExeState): void;
  /** Stops the worker's timers without touching plans (test teardown). */
  close(): void;
}

/**
 * The PlanExe double's domain: plans on an injectable clock, every tool of the
 * contract, dedup, auth, rate limit, a worker with a graceful drain, downloads.
 *
 * @example
 * const clock = createManualClock();
 * const world = createPlanExeWorld({ clock, planSeconds: 60 });
 * const app = createPlanExeApp(world);
 */
export function createPlanExeWorld(options: PlanExeWorldOptions = {}): PlanExeWorld {
  const clock = options.clock ?? systemClock;
  const store = options.store ?? createMemoryPlanStore();
  const baseUrl = (options.baseUrl ?? "http://localhost:8001").replace(/\/+$/, "");
  const newId = options.newId ?? (() => randomUUID());
  const authRequired = options.auth ?? true;
  const settings = toolSettingsOf(options);
  const extraTools = new Map(
    (options.extraTools ?? []).map((spec) => [spec.name, extraTool(spec)]),
  );
  const worker = workerOf(options, clock, store);
  const calls = createToolCalls({ clock, store, settings, newId, extraTools, baseUrl, worker });
  const downloads = createDownloads({ clock, store, settings, authRequired });

  const world: PlanExeWorld = {
    clock,
    store,
    worker,
    tools: applyDrift([...PLANEXE_TOOLS, ...extraTools.values()], options.drift),
    feedback: calls.feedback,
    authRequired,
    baseUrl,
    ...frontDoor(options, clock, authRequired),
    callTool: calls.callTool,
    failNextCall: calls.failNextCall,
    ...planRows(clock, store, worker),
    setInsufficientCredits(on) {
      settings.insufficientCredits = on;
    },
    setContentAvailable(available) {
      settings.contentAvailable = available;
    },
    downloadTokenValid: downloads.tokenValid,
    download: downloads.answer,
    close: () => worker.halt(),
  };
  if (options.startWorker !== false) worker.start();
  return world;
}

/** The settings the tools and downloads read; the world's two switches change them at run time. */
function toolSettingsOf(options: PlanExeWorldOptions): ToolSettings {
  return {
    dedupWindowMs: options.dedupWindowMs ?? 600_000,
    pipelineVersion: options.pipelineVersion ?? 1,
    downloadSecret: options.downloadSecret ?? "planexe-fake-download-secret",
    insufficientCredits: options.insufficientCredits ?? false,
    contentAvailable: true,
  };
}

/** The worker service, its step time being the plan's length over PlanExe's 20 steps. */
function workerOf(options: PlanExeWorldOptions, clock: Clock, store: PlanStore) {
  return createWorkerService({
    clock,
    store,
    stepMs: ((options.planSeconds ?? 60) * 1000) / PLAN_STEPS.length,
    pollMs: options.workerPollMs ?? 1000,
    concurrency: options.workers ?? 1,
    scriptedFailure: scriptedFailure(options.failAtStep),
  });
}

/** What the front door checks with the world: the API key, and PlanExe's rate limit. */
function frontDoor(
  options: PlanExeWorldOptions,
  clock: Clock,
  authRequired: boolean,
): Pick<PlanExeWorld, "authenticate" | "takeRateLimit" | "rateLimitRetryAfterSeconds"> {
  const apiKeys = new Set(options.apiKeys ?? [DOUBLE_API_KEY]);
  const rateLimit =
    options.rateLimit === undefined || options.rateLimit === true
      ? {}
      : options.rateLimit || undefined;
  const limiter = createRateLimiter(clock, rateLimit);
  return {
    authenticate: (request) => checkApiKey(apiKeyOf(request), apiKeys, authRequired),
    takeRateLimit: (clientKey, bucket) => limiter.take(clientKey, bucket),
    rateLimitRetryAfterSeconds: rateLimit?.retryAfterSeconds,
  };
}

/** The plans as a test reads and scripts them: a row, its stream snapshot, a failure, the whole state. */
function planRows(
  clock: Clock,
  store: PlanStore,
  worker: { release(planId: string): void },
): Pick<PlanExeWorld, "snapshot" | "getPlan" | "failPlan" | "exportState" | "importState"> {
  return {
    snapshot(planId) {
      const plan = store.get(planId);
      return plan ? snapshotOf(plan, clock.now()) : undefined;
    },
    getPlan: (planId) => store.get(planId),
    failPlan(planId, failure = {}) {
      const failed = failIfRunning(clock, store, planId, failure);
      if (failed) worker.release(planId);
      return failed;
    },
    exportState: () => ({ version: 1, plans: store.list() }),
    importState(state) {
      for (const plan of state.plans) store.insert(plan);
    },
  };
}

/** Fails the plan if it is pending or processing, as the pipeline would; true when it did. */
function failIfRunning(
  clock: Clock,
  store: PlanStore,
  planId: string,
  failure: Partial<PlanFailure>,
): boolean {
  let failed = false;
  store.update(planId, (plan) => {
    if (plan.state !== "pending" && plan.state !== "processing") return undefined;
    failed = true;
    return failRecord(
      plan,
      {
        failure_reason: failure.failure_reason ?? "generation_error",
        message: failure.message ?? "Plan generation failed.",
        recoverable: failure.recoverable ?? true,
        ...(failure.failed_step ? { failed_step: failure.failed_step } : {}),
      },
      clock.now(),
    );
  });
  return failed;
}
