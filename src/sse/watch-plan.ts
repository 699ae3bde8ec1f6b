import { ProtocolError } from "../errors/index.js";
import { abortReason, type Clock } from "../time/clock.js";
import { durationMs } from "../time/duration.js";
import { fetchOf, type ResolvedConfig, resolveConfig } from "../transport/config.js";
import type { OutageEpisode } from "../transport/episode/episode.js";
import { episodeFor } from "../transport/episode/registry.js";
import type { FetchFunction } from "../transport/http/fetch-function.js";
import type { RetryOptions } from "../transport/policy/retry-options.js";
import { createPlanWatch, type PlanWatch } from "./event-queue.js";
import type { PlanWatchWarning } from "./events.js";
import { runStreamLoop } from "./stream-loop.js";
import { resolveWatchUrl } from "./watch-url.js";

/** Options of {@link watchPlan}. */
export interface WatchPlanOptions {
  /** Stops the watch at once; iteration then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Resume after this event id (sent as `Last-Event-ID`), e.g. a saved `watch.lastEventId`. @default undefined */
  lastEventId?: string | undefined;
  /** Reconnect when no byte arrives for this long, in ms (PlanExe sends a heartbeat every 20 s); `Infinity` disables it. @default 45_000 */
  heartbeatTimeoutMs?: number | undefined;
  /** Close with `ProtocolError` `EVENT_TOO_LARGE` when one event (its lines as sent) exceeds this many bytes. @default 65_536 */
  maxEventBytes?: number | undefined;
  /** Overrides of the SDK's retry policy: backoff, `Retry-After` cap, the deadline of one outage (`deadlineMs`), the time to get headers (`attemptTimeoutMs`). @default DEFAULT_RETRY */
  retry?: RetryOptions | undefined;
  /** The `fetch` to use (a proxy-aware one, msw's, …). Give a plain fetch, not `createResilientFetch()`: the watcher runs the retry policy itself. @default globalThis.fetch */
  fetch?: FetchFunction | undefined;
  /** Where time and timers come from (tests pass a manual clock). @default systemClock */
  clock?: Clock | undefined;
  /** Told about events the watcher skipped (bad JSON, unknown type, invalid field) and a consumer that falls behind. @default ignore */
  onWarning?: ((warning: PlanWatchWarning) => void) | undefined;
  /**
   * The outage episode the stream waits on while the server is down (one probe for
   * every call and stream, instead of reconnecting on its own). By default the
   * process-wide episode of the stream's origin, shared with every `PlanExeClient`,
   * `createResilientFetch()` and `watchPlan` that talks to it through the same `fetch`
   * and clock; `false` for none (the stream then backs off on its own). A 429 of the
   * stream (its connection limit) is not shared: it does not hold tool calls.
   * @default the process-wide episode of the stream's origin
   */
  episode?: OutageEpisode | false | undefined;
}

/** The defaults of {@link WatchPlanOptions}. */
export const WATCH_PLAN_DEFAULTS = { heartbeatTimeoutMs: 45_000, maxEventBytes: 65_536 } as const;

const MAX_QUEUED_EVENTS = 1_000;

/**
 * Watches a plan's progress stream (`sse_url` from `plan_create` / `plan_status`)
 * until the plan is done, through deploys, dropped connections and server restarts.
 * Yields each distinct `status` once and in order, lifecycle events
 * (`connected`, `reconnecting`), heartbeats, and `complete` exactly once, then ends.
 * Works against today's PlanExe (no event ids: duplicates are dropped by snapshot)
 * and against `planexe-client/server` (ids: resumes with `Last-Event-ID`). Runs
 * wherever `fetch` and web streams do (browsers, Node, edge runtimes).
 *
 * @example
 * const watch = watchPlan(created.sse_url, { signal: AbortSignal.timeout(3_600_000) });
 * for await (const event of watch) {
 *   if (event.type === "status") render(event.progress_percentage);
 *   if (event.type === "complete") console.log("finished:", event.state);
 * }
 */
export function watchPlan(sseUrl: string | URL, options: WatchPlanOptions = {}): PlanWatch {
  const url = resolveWatchUrl(sseUrl, options);
  return watchPlanFrom(url, resolveWatchConfig(options), options);
}

/** What a watcher reads: {@link WatchPlanOptions} resolved once, by {@link resolveWatchConfig}. */
export interface WatchConfig {
  readonly transport: ResolvedConfig;
  readonly heartbeatTimeoutMs: number;
  readonly maxEventBytes: number;
  readonly onWarning: (warning: PlanWatchWarning) => void;
}

/** Resolves a watcher's options once; `transport` when the caller's transport options are resolved already (a client's). */
export function resolveWatchConfig(
  options: WatchPlanOptions,
  transport: ResolvedConfig = resolveConfig(options),
): WatchConfig {
  const heartbeatTimeoutMs = durationMs(
    "watchPlan",
    "heartbeatTimeoutMs",
    options.heartbeatTimeoutMs,
    WATCH_PLAN_DEFAULTS.heartbeatTimeoutMs,
    { infinite: true },
  );
  const maxEventBytes =
    positive("maxEventBytes", options.maxEventBytes) ?? WATCH_PLAN_DEFAULTS.maxEventBytes;
  return {
    transport,
    heartbeatTimeoutMs,
    maxEventBytes,
    onWarning: options.onWarning ?? (() => {}),
  };
}

/** {@link watchPlan} of the stream at `url` (checked already) with a resolved configuration. */
export function watchPlanFrom(
  url: string,
  config: WatchConfig,
  options: Pick<WatchPlanOptions, "signal" | "lastEventId">,
): PlanWatch {
  const { transport, onWarning } = config;
  const lease = episodeFor(new URL(url).origin, transport);
  const controller = new AbortController();
  const user = options.signal;
  const onUserAbort = () => controller.abort(abortReason(user as AbortSignal));
  if (user?.aborted) onUserAbort();
  else user?.addEventListener("abort", onUserAbort, { once: true });
  let warnedSlow = false;
  const { watch, sink } = createPlanWatch({
    lastEventId: options.lastEventId,
    maxQueued: MAX_QUEUED_EVENTS,
    onCancel: () => controller.abort(),
    onOverflow: () => {
      if (warnedSlow) return;
      warnedSlow = true;
      onWarning({
        code: "SLOW_CONSUMER",
        message: `More than ${MAX_QUEUED_EVENTS} events were waiting to be read; the oldest are dropped.`,
      });
    },
  });
  runStreamLoop({
    url,
    fetch: fetchOf(transport),
    clock: transport.clock,
    retry: transport.retry,
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    maxEventBytes: config.maxEventBytes,
    lastEventId: options.lastEventId,
    signal: controller.signal,
    userSignal: user,
    episode: lease?.episode,
    sink,
    onWarning,
  })
    .catch((error: unknown) => ({
      reason: "error" as const,
      error: new ProtocolError("STREAM_FAILED", "The progress watcher failed", { cause: error }),
    }))
    .then((end) => {
      user?.removeEventListener("abort", onUserAbort);
      lease?.release();
      controller.abort(); // release anything still held (a timer, a body)
      sink.end(end);
    });
  return watch;
}

function positive(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || Number.isNaN(value) || value <= 0) {
    throw new TypeError(`watchPlan: ${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}
