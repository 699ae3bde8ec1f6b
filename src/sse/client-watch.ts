import { isPlanExeError, PlanNotFoundError, ProtocolError } from "../errors/index.js";
import { redactUrl } from "../errors/redact.js";
import { isTerminalState, type PlanState } from "../protocol/index.js";
import { abortReason } from "../time/clock.js";
import { durationMs } from "../time/duration.js";
import { type ResolvedConfig, withRetry } from "../transport/config.js";
import { unfetchableReason } from "../transport/http/origin.js";
import { createPlanWatch, type PlanWatch, type PlanWatchSink } from "./event-queue.js";
import type {
  PlanClientWatchEvent,
  PlanStatusEvent,
  PlanWatchEnd,
  PlanWatchWarning,
} from "./events.js";
import { followStream } from "./follow-stream.js";
import { createSnapshotDedupe } from "./messages.js";
import { completeFrom, pollPlan, type StatusLike, statusEventFrom } from "./poll-plan.js";
import {
  resolveWatchConfig,
  type WatchConfig,
  type WatchPlanOptions,
  watchPlan,
} from "./watch-plan.js";

/** What `PlanExeClient` lends its watcher: its tools and its resolved configuration (plain fetch, clock, policy, outage episode). */
export interface ClientWatchDeps<S extends StatusLike> {
  baseUrl: URL;
  /** The client's configuration, its episode the one its calls share (the watcher runs the retry policy itself, on the plain fetch). */
  config: ResolvedConfig;
  getStatus(planId: string, options: { signal?: AbortSignal | undefined }): Promise<S>;
  resumePlan(planId: string, options: { signal?: AbortSignal | undefined }): Promise<unknown>;
}

/** Options of `PlanExeClient.watch`. */
export interface ClientWatchOptions
  extends Omit<WatchPlanOptions, "fetch" | "clock" | "episode" | "lastEventId"> {
  /** How often to ask `plan_status` while the stream is refused or unusable, in ms (PlanExe allows 60 calls a minute per key). @default 10_000 */
  pollIntervalMs?: number | undefined;
  /**
   * Resume a plan that fails with `error.recoverable: true` (e.g. its worker was
   * restarted in a deploy) with `plan_resume`, and watch on; `true` allows one resume.
   * @default false
   */
  autoResume?: boolean | { maxResumes: number } | undefined;
  /**
   * Follow a `sse_url` PlanExe hands out on another origin than the client's
   * `baseUrl` (without the API key). Off, such a URL ends the watch with
   * `ProtocolError` `CROSS_ORIGIN_STREAM`: a hostile or misconfigured server could
   * otherwise point this process at any host it can reach (the user's own network).
   * @default false
   */
  followCrossOriginStream?: boolean | undefined;
}

/** The defaults of {@link ClientWatchOptions}. */
export const CLIENT_WATCH_DEFAULTS = { pollIntervalMs: 10_000, maxResumes: 1 } as const;

/**
 * Watches a plan by id: asks `plan_status` for its `sse_url`, follows the stream
 * with {@link watchPlan}, polls `plan_status` beside it while the server refuses the
 * stream (its connection limit) and stops as soon as it is accepted, falls back to
 * polling for good when the stream endpoint is missing or keeps failing in a
 * non-transient way (the same events either way), and optionally resumes a
 * recoverable failure.
 */
export function watchPlanOnClient<S extends StatusLike>(
  deps: ClientWatchDeps<S>,
  planId: string,
  options: ClientWatchOptions = {},
): PlanWatch<PlanClientWatchEvent> {
  const pollIntervalMs = durationMs(
    "client.watch",
    "pollIntervalMs",
    options.pollIntervalMs,
    CLIENT_WATCH_DEFAULTS.pollIntervalMs,
  );
  const maxResumes =
    options.autoResume === true
      ? CLIENT_WATCH_DEFAULTS.maxResumes
      : options.autoResume
        ? options.autoResume.maxResumes
        : 0;
  const controller = new AbortController();
  const user = options.signal;
  const onUserAbort = () => controller.abort(abortReason(user as AbortSignal));
  if (user?.aborted) onUserAbort();
  else user?.addEventListener("abort", onUserAbort, { once: true });
  const warn = options.onWarning ?? (() => {});
  const { watch, sink } = createPlanWatch<PlanClientWatchEvent>({
    lastEventId: undefined,
    maxQueued: 1_000,
    onCancel: () => controller.abort(),
    onOverflow: () => {},
  });
  const signal = controller.signal;
  let stream: WatchConfig | undefined;
  // Resolved once per watch, when the stream is first followed (a bad option ends the watch, as watchPlan's does).
  const streamConfig = () => {
    stream ??= resolveWatchConfig(options, withRetry(deps.config, options.retry));
    return stream;
  };
  const ctx = { deps, planId, options, signal, sink, warn, pollIntervalMs, streamConfig };
  drive(ctx, maxResumes)
    .catch((error: unknown): PlanWatchEnd => {
      if (signal.aborted)
        return user?.aborted
          ? { reason: "aborted", error: abortReason(user) }
          : { reason: "aborted" };
      if (isPlanExeError(error)) return { reason: "error", error };
      // Anything else (a throwing callback, a bug) still ends the watch, as watchPlan does: never a hung iterator.
      return {
        reason: "error",
        error: new ProtocolError("STREAM_FAILED", "The progress watcher failed", { cause: error }),
      };
    })
    .then((end) => {
      user?.removeEventListener("abort", onUserAbort);
      controller.abort();
      sink.end(end);
    });
  return watch;
}

interface DriveContext<S extends StatusLike> {
  deps: ClientWatchDeps<S>;
  planId: string;
  options: ClientWatchOptions;
  signal: AbortSignal;
  sink: PlanWatchSink<PlanClientWatchEvent>;
  warn: (warning: PlanWatchWarning) => void;
  pollIntervalMs: number;
  streamConfig(): WatchConfig;
}

async function drive<S extends StatusLike>(
  ctx: DriveContext<S>,
  maxResumes: number,
): Promise<PlanWatchEnd> {
  const { deps, planId, signal, sink } = ctx;
  let useStream = true;
  for (let resumes = 0; ; ) {
    const dedupe = createSnapshotDedupe(); // a new run may pass the same progress again
    const deliver = (event: PlanStatusEvent, id?: string) => {
      if (!dedupe.isRepeat(event, undefined)) sink.push(event, id);
    };
    const status = await deps.getStatus(planId, { signal });
    let complete = isTerminalState(status.state as PlanState) ? completeFrom(status) : undefined;
    if (!complete && useStream && status.sse_url) {
      const end = await followOnClient(ctx, streamUrl(status.sse_url, ctx), deliver);
      if (end.reason === "complete") complete = end.event;
      else if (end.reason === "aborted") return end;
      else if (end.error instanceof PlanNotFoundError) return end;
      else {
        useStream = false;
        ctx.warn({
          code: "POLLING_FALLBACK",
          message: `The progress stream failed (${end.error.code}); polling plan_status every ${ctx.pollIntervalMs} ms instead.`,
        });
      }
    }
    const final =
      complete ??
      completeFrom(
        await pollPlan({
          getStatus: () => deps.getStatus(planId, { signal }),
          intervalMs: ctx.pollIntervalMs,
          clock: deps.config.clock,
          signal,
          onStatus: (event) => deliver(event),
        }),
      );
    if (final.state === "failed" && resumes < maxResumes) {
      const now = await deps.getStatus(planId, { signal });
      if (now.state === "failed" && now.error?.recoverable === true) {
        resumes += 1;
        await deps.resumePlan(planId, { signal });
        sink.push({ type: "resumed", attempt: resumes, failed: final }, undefined);
        continue;
      }
    }
    sink.push(final, undefined);
    return { reason: "complete", event: final };
  }
}

/** The stream URL `plan_status` gave, when it is on the client's origin or the caller allows another. */
function streamUrl<S extends StatusLike>(sseUrl: string, ctx: DriveContext<S>): URL {
  const url = new URL(sseUrl, ctx.deps.baseUrl);
  // A URL never fetched (data:, file:, user info) is refused by watchPlan itself.
  if (
    url.origin === ctx.deps.baseUrl.origin ||
    ctx.options.followCrossOriginStream === true ||
    unfetchableReason(url) !== undefined
  )
    return url;
  throw new ProtocolError(
    "CROSS_ORIGIN_STREAM",
    `PlanExe gave a progress stream URL on another origin (${redactUrl(url.origin)}) than the client's (${redactUrl(ctx.deps.baseUrl.origin)}); not followed. Pass followCrossOriginStream: true to follow it (without the API key).`,
    { details: { origin: url.origin } },
  );
}

/** Follows the stream with {@link followStream}, polling `plan_status` while it is refused. */
function followOnClient<S extends StatusLike>(
  ctx: DriveContext<S>,
  url: URL,
  deliver: (event: PlanStatusEvent, id?: string) => void,
): Promise<PlanWatchEnd> {
  const { deps } = ctx;
  return followStream(
    url,
    ctx.streamConfig(),
    ctx.signal,
    (event, id) => {
      if (event.type === "status") deliver(event, id);
      else ctx.sink.push(event, id);
    },
    {
      getStatus: (signal) => deps.getStatus(ctx.planId, { signal }),
      intervalMs: ctx.pollIntervalMs,
      onStatus: (status) => deliver(statusEventFrom(status)),
      onStart: (cause) =>
        ctx.warn({
          code: "POLLING_FALLBACK",
          message: `The server refuses the progress stream for now (${cause.code}); polling plan_status every ${ctx.pollIntervalMs} ms until it is accepted.`,
        }),
    },
  );
}
