import { ProtocolError } from "../errors/index.js";
import { abortReason, type Clock, systemClock } from "../transport/clock.js";
import type { OutageEpisode } from "../transport/episode.js";
import { type RetryOptions, resolveRetryOptions } from "../transport/policy.js";
import type { PlanWatchWarning } from "./events.js";
import { createPlanWatch, type PlanWatch } from "./plan-watch.js";
import { runWatch } from "./run-watch.js";
import { resolveWatchUrl } from "./watch-url.js";

/** Options of {@link watchPlan}. */
export interface WatchPlanOptions {
  /** Stops the watch at once; iteration then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Resume after this event id (sent as `Last-Event-ID`), e.g. a saved `watch.lastEventId`. @default undefined */
  lastEventId?: string | undefined;
  /** Reconnect when no byte arrives for this long, in ms (PlanExe sends a heartbeat every 20 s); `Infinity` disables it. @default 45_000 */
  heartbeatTimeout?: number | undefined;
  /** Close with `ProtocolError` `EVENT_TOO_LARGE` when one event (its lines as sent) exceeds this many bytes. @default 65_536 */
  maxEventBytes?: number | undefined;
  /** Overrides of the SDK's retry policy: backoff, `Retry-After` cap, the deadline of one outage (`deadlineMs`), the time to get headers (`attemptTimeoutMs`). @default DEFAULT_RETRY */
  retry?: RetryOptions | undefined;
  /** The `fetch` to use (a proxy-aware one, msw's, …). Give a plain fetch, not `createResilientFetch()`: the watcher runs the retry policy itself. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /** Where time and timers come from. @default retry.clock ?? systemClock */
  clock?: Clock | undefined;
  /** Told about events the watcher skipped (bad JSON, unknown type, invalid field) and a consumer that falls behind. @default ignore */
  onWarning?: ((warning: PlanWatchWarning) => void) | undefined;
  /**
   * The outage episode this client's calls share (`createOutageEpisode`): while the
   * server is down the stream waits on the episode's single probe instead of
   * reconnecting on its own, and reports what it sees. A 429 of the stream (its
   * connection limit) is not shared: it does not hold tool calls.
   * @default undefined (the stream backs off on its own)
   */
  episode?: OutageEpisode | undefined;
}

/** The defaults of {@link WatchPlanOptions}. */
export const WATCH_PLAN_DEFAULTS = { heartbeatTimeout: 45_000, maxEventBytes: 65_536 } as const;

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
  const retry = resolveRetryOptions(options.retry);
  const heartbeatTimeout = positive("heartbeatTimeout", options.heartbeatTimeout);
  const maxEventBytes = positive("maxEventBytes", options.maxEventBytes);
  const onWarning = options.onWarning ?? (() => {});
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
  runWatch({
    url,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    clock: options.clock ?? options.retry?.clock ?? systemClock,
    retry,
    heartbeatTimeout: heartbeatTimeout ?? WATCH_PLAN_DEFAULTS.heartbeatTimeout,
    maxEventBytes: maxEventBytes ?? WATCH_PLAN_DEFAULTS.maxEventBytes,
    lastEventId: options.lastEventId,
    signal: controller.signal,
    userSignal: user,
    episode: options.episode,
    sink,
    onWarning,
  })
    .catch((error: unknown) => ({
      reason: "error" as const,
      error: new ProtocolError("STREAM_FAILED", "The progress watcher failed", { cause: error }),
    }))
    .then((end) => {
      user?.removeEventListener("abort", onUserAbort);
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
