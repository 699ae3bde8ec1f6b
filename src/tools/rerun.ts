import { ErrorCode, isPlanExeError } from "../errors/index.js";
import { type Clock, sleep } from "../time/clock.js";
import type { EpisodeControl } from "../transport/episode/episode.js";
import { log } from "../transport/logger.js";
import { failureKindOf } from "../transport/policy/decide.js";
import type { Failure } from "../transport/policy/failure-kind.js";
import type { ResolvedRetryOptions } from "../transport/policy/retry-options.js";
import { trackRetries } from "../transport/retry-tracker.js";
import { type InvokeContext, invokeTool } from "./invoke.js";
import type { PlanResumeOutput, PlanRetryOutput } from "./schemas/plan-control.js";
import type { PlanStatusOutput } from "./schemas/plan-status.js";
import type { ToolParsedInput } from "./schemas/registry.js";

/**
 * What `retryPlan` / `resumePlan` return when the first request's answer was lost,
 * the resend was refused as already done (`PLAN_NOT_FAILED` / `PLAN_NOT_RESUMABLE`),
 * and `plan_status` confirmed that the first request took effect.
 */
export interface ConfirmedRerun {
  confirmed_by_status: true;
  plan_id: string;
  state: PlanStatusOutput["state"];
  model_profile: string;
  sse_url?: string | undefined;
  /** The `plan_status` that confirmed it. */
  status: PlanStatusOutput;
}

/** The answer of `retryPlan`: the server's, or a {@link ConfirmedRerun}. */
export type RetryPlanResult = (PlanRetryOutput & { confirmed_by_status?: false }) | ConfirmedRerun;
/** The answer of `resumePlan`: the server's, or a {@link ConfirmedRerun}. */
export type ResumePlanResult =
  | (PlanResumeOutput & { confirmed_by_status?: false })
  | ConfirmedRerun;

/** What {@link rerunPlan} needs besides an {@link InvokeContext}. */
export interface RerunContext extends InvokeContext {
  clock: Clock;
  retry: ResolvedRetryOptions;
  /** The outage episode the client's fetch shares; a resend waits on its probe. */
  episode: EpisodeControl | undefined;
  /** The MCP endpoint, to tell the episode which server is down. */
  url: URL;
}

/** How far the server's clock may be behind ours when judging "retried after our first request". */
const CLOCK_SKEW_MS = 60_000;

const REFUSAL = {
  plan_retry: ErrorCode.PLAN_NOT_FAILED,
  plan_resume: ErrorCode.PLAN_NOT_RESUMABLE,
} as const;

/**
 * A lost answer as the one retry policy sees it: the transport's final error says
 * (`details.delivery`) whether the request may have reached the server. `undefined`
 * for anything else (a tool error, a refusal, a request that never left).
 */
function lostAnswer(error: unknown): Failure | undefined {
  if (!isPlanExeError(error)) return undefined;
  const delivery = (error.details as { delivery?: unknown } | undefined)?.delivery;
  if (delivery !== "maybe") return undefined;
  const kind = failureKindOf(error.code, error.status) ?? "network";
  return { kind, delivery, status: error.status, error };
}

/** Waits `ms` before a resend; the wait ends on the caller's signal or the client's `close()`. */
async function waitInScope(
  context: RerunContext,
  signal: AbortSignal | undefined,
  ms: number,
): Promise<void> {
  const scoped = context.scope.enter(signal);
  try {
    await sleep(ms, { clock: context.clock, signal: scoped.signal });
  } finally {
    scoped.exit();
  }
}

/**
 * Sends `plan_retry` / `plan_resume`, which the transport never resends itself. After an
 * ambiguous failure it sends again (with backoff, within the retry deadline); if the
 * server then refuses because the plan is no longer failed or stopped, `plan_status`
 * decides by what PlanExe changed (see `tookEffect`): the call then succeeds as a
 * {@link ConfirmedRerun}; otherwise the refusal is thrown.
 */
export async function rerunPlan<N extends "plan_retry" | "plan_resume">(
  context: RerunContext,
  name: N,
  args: ToolParsedInput<N>,
  signal: AbortSignal | undefined,
): Promise<N extends "plan_retry" ? RetryPlanResult : ResumePlanResult> {
  type Result = N extends "plan_retry" ? RetryPlanResult : ResumePlanResult;
  const firstSentAt = context.clock.now();
  // This loop, not the fetch, decides to resend: a refusal is then checked against plan_status.
  const lost = trackRetries({
    operation: "call",
    policy: context.retry,
    clock: context.clock,
    episode: context.episode,
    url: context.url,
  });
  for (;;) {
    try {
      return (await invokeTool(context, name, args, signal)) as Result;
    } catch (error) {
      if (signal?.aborted || context.scope.closed) throw error;
      const failure = lostAnswer(error);
      if (failure) {
        const decision = lost.failed(failure).decide();
        if (decision.action === "give-up") throw error;
        log(context.logger, { kind: "answer-lost", tool: name, attempt: lost.attempt });
        // An episode wait happens in the transport, before the resend goes out.
        if (decision.waitOn === "own") await waitInScope(context, signal, decision.delayMs);
        continue;
      }
      if (lost.attempt === 0 || !isPlanExeError(error) || error.code !== REFUSAL[name]) throw error;
      const status = await invokeTool(context, "plan_status", { plan_id: args.plan_id }, signal);
      if (!tookEffect(name, status, firstSentAt)) throw error;
      log(context.logger, { kind: "rerun-confirmed", tool: name, state: status.state });
      const confirmed: ConfirmedRerun = {
        confirmed_by_status: true,
        plan_id: status.plan_id,
        state: status.state,
        model_profile: args.model_profile,
        status,
      };
      if (status.sse_url !== undefined) confirmed.sse_url = status.sse_url;
      return confirmed as Result;
    }
  }
}

/**
 * Whether `plan_status`, read after the server refused a resend as "already done",
 * shows that a request of ours that may have reached it took effect. The refusal
 * itself says the plan is no longer failed or stopped. What PlanExe changes:
 * - `plan_retry` sets the plan `pending` and resets `timing.started_at` (the plan's
 *   creation time) to the moment it acted: a creation time at or after our first
 *   send (less clock skew) is that retry, whatever state the run has reached since;
 * - `plan_resume` sets it `pending` and keeps `started_at` (and progress), and its
 *   `resume_count` shows only in its own answer: queued or running again is the
 *   signal. (A plan that was never failed would also read so; its first answer was
 *   a refusal we never saw, and it runs, as asked.)
 */
function tookEffect(
  name: "plan_retry" | "plan_resume",
  status: PlanStatusOutput,
  firstSentAt: number,
): boolean {
  const running = status.state === "pending" || status.state === "processing";
  if (name === "plan_resume") return running;
  const created = status.timing.started_at ? Date.parse(status.timing.started_at) : Number.NaN;
  if (Number.isNaN(created)) return running;
  return created >= firstSentAt - CLOCK_SKEW_MS;
}
