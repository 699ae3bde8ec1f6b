import type { CallToolResult } from "@modelcontextprotocol/server";
import { redact, rememberSecret } from "./errors/redact.js";
import {
  type ClientWatchDeps,
  type ClientWatchOptions,
  watchPlanOnClient,
} from "./sse/client-watch.js";
import type { PlanWatch } from "./sse/event-queue.js";
import type { PlanClientWatchEvent } from "./sse/events.js";
import { type WaitForPlanOptions, waitForPlanWith } from "./sse/wait-for-plan.js";
import { CallScope } from "./tools/call-scope.js";
import { CallSignals } from "./tools/call-signals.js";
import { checkClientOptions } from "./tools/client-options.js";
import { closedError, LazyConnection } from "./tools/connection.js";
import { type DownloadedArtifact, downloadArtifact, type SavedArtifact } from "./tools/download.js";
import { type DownloadTarget, memoryTarget } from "./tools/download-target.js";
import { fileInfoResult } from "./tools/file-info.js";
import { parseInput, pick, readOptions, requirePlanId } from "./tools/input.js";
import { callToolResult, invokeTool } from "./tools/invoke.js";
import type {
  CreatePlanOptions,
  DownloadOptions,
  FileOptions,
  ListPlansOptions,
  RerunPlanOptions,
  SendFeedbackOptions,
} from "./tools/method-options.js";
import type { CallOptions, PlanExeClientOptions } from "./tools/options.js";
import {
  type RerunContext,
  type ResumePlanResult,
  type RetryPlanResult,
  rerunPlan,
} from "./tools/rerun.js";
import { planexeResendable } from "./tools/resendable.js";
import type { ExamplePlansOutput, ExamplePromptsOutput } from "./tools/schemas/examples.js";
import type { ModelProfilesOutput } from "./tools/schemas/model-profiles.js";
import type { PlanStopOutput } from "./tools/schemas/plan-control.js";
import type { PlanCreateOutput } from "./tools/schemas/plan-create.js";
import type { Artifact, PlanFileInfoOutput } from "./tools/schemas/plan-file-info.js";
import type { PlanListOutput } from "./tools/schemas/plan-list.js";
import type { PlanStatusOutput } from "./tools/schemas/plan-status.js";
import {
  TOOLS,
  type ToolName,
  type ToolOutput,
  type ToolParsedInput,
} from "./tools/schemas/registry.js";
import {
  FEEDBACK_CATEGORIES,
  type FeedbackCategory,
  type SendFeedbackOutput,
} from "./tools/schemas/send-feedback.js";
import { listServerTools, type ServerToolList } from "./tools/server-tools.js";
import { type ResolvedConfig, resolveConfig } from "./transport/config.js";
import type { OutageEpisode } from "./transport/episode/episode.js";
import { type EpisodeLease, episodeFor } from "./transport/episode/registry.js";
import { scopeCredentials } from "./transport/http/origin.js";
import { log } from "./transport/logger.js";
import { resilientFetchFrom } from "./transport/resilient-fetch.js";
import { VERSION } from "./version.js";

function isDocumentedCategory(category: string): boolean {
  return (FEEDBACK_CATEGORIES as readonly string[]).includes(category);
}

/** `download()` holds the body in memory: at most this much unless `maxBytes` says otherwise. */
const DEFAULT_MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024;

const DEFAULT_CLIENT_INFO = { name: "planexe-client", version: VERSION };

/**
 * The server as it describes itself, on a client's connection: what the local MCP
 * server (`planexe-client mcp`) passes through to its host. Not part of the public API.
 */
export interface ServerSession {
  /** The server's own tool list and instructions. */
  listTools(signal: AbortSignal): Promise<ServerToolList>;
  /** Calls any tool by name and returns the server's result as it is (`isError` included). */
  callTool(
    name: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<CallToolResult>;
}

const SESSIONS = new WeakMap<PlanExeClient, ServerSession>();

/** The {@link ServerSession} of `client`: same connection, retry policy, outage episode and secrets as its methods. */
export function serverSession(client: PlanExeClient): ServerSession {
  const session = SESSIONS.get(client);
  if (!session) throw new TypeError("serverSession(client) needs a PlanExeClient");
  return session;
}

/**
 * A typed PlanExe client that survives server deploys. Each method calls one PlanExe
 * tool over MCP's Streamable HTTP on `{baseUrl}/mcp` (a small client of its own,
 * `tools/mcp-http.ts`, not the MCP SDK's), whose every request goes through the SDK's one retry policy:
 * during a restart window calls wait on one shared health probe and resume when the
 * server is back; only calls that are safe to repeat are sent again. Inputs and
 * outputs are checked against the PlanExe contract; failures are typed errors
 * (`PlanNotFoundError`, `AuthError`, `TransportError`, …) with no secret in them.
 *
 * @example
 * const client = new PlanExeClient({ baseUrl: "https://mcp.planexe.org", apiKey: process.env.PLANEXE_API_KEY });
 * const plan = await client.createPlan("Open a bakery in Lisbon");
 * const status = await client.getStatus(plan.plan_id);
 * await client.close();
 */
export class PlanExeClient {
  /** The server's base URL (without `/mcp`). */
  readonly baseUrl: URL;
  /**
   * The outage episode this client's calls and watches share: by default with
   * everything in the process that talks to its origin; `undefined` when built with
   * `episode: false`.
   */
  readonly episode: OutageEpisode | undefined;
  readonly #scope = new CallScope();
  readonly #context: RerunContext;
  readonly #fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  readonly #watchDeps: ClientWatchDeps<PlanStatusOutput>;
  readonly #release: () => void;

  constructor(options: PlanExeClientOptions) {
    const { baseUrl, apiKey } = checkClientOptions(options);
    rememberSecret(apiKey);
    this.baseUrl = baseUrl;
    // Options are resolved here, once; everything below reads `config` and never resolves again.
    const resolved = resolveConfig({
      ...options,
      probeUrl: new URL(options.healthcheckPath ?? "healthcheck", baseUrl),
      healthcheckPath: undefined,
    });
    const lease = episodeFor(baseUrl.origin, resolved);
    const episode = lease?.episode;
    const config: ResolvedConfig = { ...resolved, episode: episode ?? false };
    const resilient = fetchOrRelease(lease, () =>
      resilientFetchFrom(config, {
        ...(options.onRetry && { onRetry: options.onRetry }),
        secrets: [apiKey],
        resendable: planexeResendable,
        ...(options.maxResponseBytes !== undefined && {
          maxResponseBytes: options.maxResponseBytes,
        }),
      }),
    );
    if (options.signal?.aborted) this.#scope.close(options.signal.reason);
    const onAbort = () => void this.close();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    // A long-lived host signal must not keep every closed client reachable.
    this.#release = () => {
      options.signal?.removeEventListener("abort", onAbort);
      lease?.release();
    };
    this.#fetch = resilient;
    this.#watchDeps = {
      baseUrl,
      config,
      // Watch events are printed as they are: no secret a server echoed may reach them.
      getStatus: async (planId, opts) => redact(await this.getStatus(planId, opts)),
      resumePlan: (planId, opts) => this.resumePlan(planId, opts),
    };
    this.episode = episode;
    const signals = new CallSignals();
    const url = new URL("mcp", baseUrl);
    const connection = new LazyConnection({
      url,
      fetch: scopeCredentials(signals.wrap(resilient), baseUrl),
      headers: apiKey ? { "X-API-Key": apiKey } : {},
      clientInfo: options.clientInfo ?? DEFAULT_CLIENT_INFO,
      logger: options.logger,
    });
    this.#context = {
      connection,
      signals,
      scope: this.#scope,
      secrets: apiKey ? [apiKey] : [],
      logger: options.logger,
      clock: config.clock,
      retry: config.retry,
      episode,
      url,
    };
    const context = this.#context;
    SESSIONS.set(this, {
      listTools: (signal) => listServerTools(context, signal),
      callTool: (name, args, signal) => callToolResult(context, name, args, signal),
    });
  }

  /**
   * Starts a plan (`plan_create`). Safe to call through a deploy: a resend after a
   * lost answer returns the same plan (the server deduplicates an identical prompt +
   * profile for 600 s; `deduplicated` is then `true`), never a second one.
   */
  async createPlan(prompt: string, options?: CreatePlanOptions): Promise<PlanCreateOutput> {
    const { method, example } = TOOLS.plan_create;
    // PlanExe takes any string as a prompt, so only a non-string is a misuse.
    if (typeof prompt !== "string")
      throw new TypeError(
        `${method} needs a prompt string (got ${prompt === null ? "null" : typeof prompt}). Example: \`${example}\``,
      );
    return this.#tool("plan_create", { prompt }, options);
  }

  /** The plan's state, progress, timing and newest files (`plan_status`). */
  async getStatus(planId: string, options?: CallOptions): Promise<PlanStatusOutput> {
    return this.#tool("plan_status", this.#planId("plan_status", planId), options);
  }

  /** Asks a running plan to stop (`plan_stop`, idempotent: `stop_requested` is false when it had already ended). */
  async stopPlan(planId: string, options?: CallOptions): Promise<PlanStopOutput> {
    return this.#tool("plan_stop", this.#planId("plan_stop", planId), options);
  }

  /**
   * Runs a failed plan again from scratch (`plan_retry`). If the answer is lost in a
   * deploy, it is sent again; when the server then says `PLAN_NOT_FAILED` and
   * `plan_status` shows the plan queued or running anew, the result is a
   * `ConfirmedRerun` (`confirmed_by_status: true`) instead of an error.
   */
  async retryPlan(planId: string, options?: RerunPlanOptions): Promise<RetryPlanResult> {
    const { args, signal } = this.#args("plan_retry", this.#planId("plan_retry", planId), options);
    return rerunPlan(this.#context, "plan_retry", args, signal);
  }

  /** Continues a failed plan, keeping its finished steps (`plan_resume`); lost answers are handled as in {@link retryPlan}. */
  async resumePlan(planId: string, options?: RerunPlanOptions): Promise<ResumePlanResult> {
    const positional = this.#planId("plan_resume", planId);
    const { args, signal } = this.#args("plan_resume", positional, options);
    return rerunPlan(this.#context, "plan_resume", args, signal);
  }

  /**
   * Whether the plan's report (default) or zip is ready, with its checksum and a
   * signed URL (`plan_file_info`): ready, or `{ ready: false, reason }` while it is
   * not. A failure PlanExe reports inside the answer rejects at once with a
   * `ToolError`: code `generation_failed` (a failed plan's report, never ready) or
   * `content_unavailable` (PlanExe could not read the bytes; {@link download} waits
   * that out).
   */
  async getFileInfo(planId: string, options?: FileOptions): Promise<PlanFileInfoOutput> {
    const { args, signal } = this.#args(
      "plan_file_info",
      this.#planId("plan_file_info", planId),
      options,
    );
    const answer = await invokeTool(this.#context, "plan_file_info", args, signal);
    return fileInfoResult(answer, args.artifact, this.#context.secrets);
  }

  /** The caller's plans, newest first (`plan_list`). */
  async listPlans(options?: ListPlansOptions): Promise<PlanListOutput> {
    return this.#tool("plan_list", {}, options);
  }

  /** Sample prompts (`example_prompts`; works without an API key). */
  async examplePrompts(options?: CallOptions): Promise<ExamplePromptsOutput> {
    return this.#tool("example_prompts", {}, options);
  }

  /** Finished example plans with report and zip links (`example_plans`; works without an API key). */
  async examplePlans(options?: CallOptions): Promise<ExamplePlansOutput> {
    return this.#tool("example_plans", {}, options);
  }

  /** The model profiles a plan can use (`model_profiles`; works without an API key). */
  async modelProfiles(options?: CallOptions): Promise<ModelProfilesOutput> {
    return this.#tool("model_profiles", {}, options);
  }

  /**
   * Sends feedback (`send_feedback`, idempotent). PlanExe documents the categories
   * `mcp`, `plan`, `code`, `docs` and `other` and stores any other string too (a
   * warning is logged for one); the message may be empty.
   */
  async sendFeedback(
    category: FeedbackCategory,
    message: string,
    options?: SendFeedbackOptions,
  ): Promise<SendFeedbackOutput> {
    if (typeof category === "string" && !isDocumentedCategory(category))
      log(this.#context.logger, {
        kind: "undocumented-category",
        category,
        documented: FEEDBACK_CATEGORIES,
      });
    return this.#tool("send_feedback", { category, message }, options);
  }

  /**
   * Downloads the plan's report (default) or zip into memory: asks `plan_file_info`,
   * fetches the signed `download_url` through the retry policy, refreshes the URL
   * once if it expired, and checks the bytes against `sha256` and `download_size`.
   * Not ready yet → `ProtocolError` `NOT_READY`; a failed plan's report →
   * `ToolError` `generation_failed` at once; bytes PlanExe cannot read
   * (`content_unavailable`, as while its worker deploys) are asked for again within
   * the retry deadline, as a 502 is, then → `ToolError` `content_unavailable`;
   * a mismatch → `CHECKSUM_MISMATCH`;
   * announced over `maxBytes`, or a body past its announced size → `TOO_LARGE`.
   * For large files use {@link downloadTo}.
   */
  async download(planId: string, options?: DownloadOptions): Promise<DownloadedArtifact> {
    const opts = readOptions<DownloadOptions>(
      "download",
      options,
      'client.download(planId, { artifact: "zip" })',
    );
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    if (typeof maxBytes !== "number" || !(maxBytes >= 0))
      throw new TypeError("download: maxBytes must be a number of bytes >= 0, e.g. 50_000_000");
    const { result, ...saved } = await this.#download(
      "download",
      planId,
      opts,
      memoryTarget(),
      maxBytes,
    );
    return { ...saved, bytes: result };
  }

  /**
   * Downloads the plan's report (default) or zip into `target` chunk by chunk (as
   * {@link download} does, with the same checks), so memory stays flat whatever the
   * size: the target stores and hashes each chunk, and keeps the bytes only once
   * they matched (the CLI writes a temporary file and renames it into place).
   */
  async downloadTo<R>(
    planId: string,
    target: DownloadTarget<R>,
    options?: FileOptions,
  ): Promise<SavedArtifact<R>> {
    if (typeof target?.open !== "function")
      throw new TypeError(
        "downloadTo(planId, target) needs a target with open(), e.g. `{ open: () => ({ write, digest, commit, discard }) }`",
      );
    const opts = readOptions<FileOptions>(
      "downloadTo",
      options,
      'client.downloadTo(planId, target, { artifact: "zip" })',
    );
    return this.#download("downloadTo", planId, opts, target, Number.POSITIVE_INFINITY);
  }

  async #download<R>(
    method: string,
    planId: string,
    opts: Partial<FileOptions>,
    target: DownloadTarget<R>,
    maxBytes: number,
  ): Promise<SavedArtifact<R>> {
    const id = requirePlanId(method, planId);
    const { artifact } = parseInput(method, "plan_file_info", {
      plan_id: id,
      ...pick(opts, ["artifact"]),
    });
    const call = this.#scope.enter(opts.signal);
    try {
      return await downloadArtifact(
        {
          fetch: this.#fetch,
          clock: this.#context.clock,
          baseUrl: this.baseUrl,
          retry: this.#context.retry,
          maxBytes,
          fileInfo: async (signal) =>
            fileInfoResult(
              await invokeTool(this.#context, "plan_file_info", { plan_id: id, artifact }, signal),
              artifact,
              this.#context.secrets,
            ),
        },
        artifact as Artifact,
        call.signal,
        target,
      );
    } finally {
      call.exit();
    }
  }

  /**
   * Watches a plan until it is done: gets its `sse_url` from `plan_status` and follows
   * the progress stream through deploys (see `watchPlan`), sharing this client's
   * outage episode; falls back to polling `plan_status` (every `pollIntervalMs`) when
   * the stream endpoint is missing or keeps failing non-transiently, yielding the same
   * events. With `autoResume`, a plan that fails recoverably (its worker restarted) is
   * resumed with `plan_resume` and watched on (a `resumed` event, then the new run).
   *
   * @example
   * for await (const event of client.watch(plan.plan_id, { signal })) {
   *   if (event.type === "status") console.log(event.progress_percentage);
   * }
   */
  watch(planId: string, options?: ClientWatchOptions): PlanWatch<PlanClientWatchEvent> {
    if (typeof planId !== "string" || planId.trim() === "")
      throw new TypeError(
        "watch(planId) needs the plan id string that createPlan returned, e.g. `client.watch(plan.plan_id)`",
      );
    // Scoped like a call: `close()` ends the watch too.
    const call = this.#scope.enter(options?.signal);
    const watch = watchPlanOnClient(this.#watchDeps, planId.trim(), {
      ...options,
      signal: call.signal,
    });
    void watch.closed.then(() => call.exit());
    return watch;
  }

  /**
   * Waits until the plan is done (as {@link watch} does) and returns its final full
   * `plan_status`; `onProgress` sees each distinct status on the way.
   *
   * @example
   * const final = await client.waitForPlan(plan.plan_id, { onProgress: (s) => bar.update(s.progress_percentage) });
   */
  async waitForPlan(planId: string, options?: WaitForPlanOptions): Promise<PlanStatusOutput> {
    const id = requirePlanId("waitForPlan", planId);
    const { onProgress, ...watchOptions } = options ?? {};
    return waitForPlanWith(this.watch(id, watchOptions), onProgress, () =>
      this.getStatus(id, { signal: options?.signal }),
    );
  }

  /** Closes the connection. Pending calls reject with an `AbortError`; later calls too. */
  async close(): Promise<void> {
    this.#release();
    this.#scope.close(closedError());
    await this.#context.connection.close();
  }

  /** `{ plan_id }`, checked, with the calling method named in a misuse error. */
  #planId(name: ToolName, planId: unknown): { plan_id: string } {
    return { plan_id: requirePlanId(TOOLS[name].method, planId) };
  }

  /** The tool's arguments: the positional ones, plus the options its input schema names (checked). */
  #args<N extends ToolName>(
    name: N,
    positional: Record<string, unknown>,
    options: unknown,
  ): { args: ToolParsedInput<N>; signal: AbortSignal | undefined } {
    const { method, example, input } = TOOLS[name];
    const opts = readOptions<CallOptions>(method, options, example);
    const named = Object.keys(input.shape).filter((key) => !(key in positional));
    // Only the plan id, which `#planId` checked as the schema would (trimmed, not empty), or no field at all: nothing left to parse.
    if (named.length === 0 && Object.keys(positional).every((key) => key === "plan_id"))
      return { args: positional as ToolParsedInput<N>, signal: opts.signal };
    const args = parseInput(method, name, { ...positional, ...pick(opts, named) });
    return { args, signal: opts.signal };
  }

  /** Calls tool `name` with its positional arguments and the options its input schema names. */
  #tool<N extends ToolName>(
    name: N,
    positional: Record<string, unknown>,
    options: unknown,
  ): Promise<ToolOutput<N>> {
    const { args, signal } = this.#args(name, positional, options);
    return invokeTool(this.#context, name, args, signal);
  }
}

/** The client's fetch, made after its episode was leased: an option it refuses releases the lease (a constructor that throws holds nothing). */
function fetchOrRelease<T>(lease: EpisodeLease | undefined, make: () => T): T {
  try {
    return make();
  } catch (error) {
    lease?.release();
    throw error;
  }
}
