import type { Clock } from "../time/clock.js";
import { anySignal } from "../time/signals.js";
import type { PlanWatch } from "./event-queue.js";
import type { PlanCompleteEvent, PlanWatchEnd, PlanWatchEvent, ReconnectCause } from "./events.js";
import { completeFrom, type StatusLike } from "./poll-plan.js";
import { createRefusalPolling } from "./refusal-polling.js";
import { isRefused } from "./stream-failure.js";
import { type WatchConfig, watchPlanFrom } from "./watch-plan.js";
import { resolveWatchUrl } from "./watch-url.js";

/** How a watcher that has a client asks `plan_status` while the stream is refused. */
export interface RefusedStreamPolling<S extends StatusLike> {
  /** Whether polling is possible now (a key the server takes, a plan id). @default always */
  enabled?: () => boolean;
  getStatus(signal: AbortSignal): Promise<S>;
  intervalMs: number;
  /** Each non-terminal answer, as the stream's snapshot would have been told. */
  onStatus(status: S): void;
  /** Polling starts (at most once per watch): the refusal that started it. */
  onStart?: (cause: ReconnectCause) => void;
}

/**
 * Follows the stream at `url` with {@link watchPlan} until its end, handing every event
 * but `complete` to `onEvent` (`complete` is in the end). With `polling`: while the
 * server refuses the stream (its connection limit, a 429), `plan_status` is asked
 * beside it every `intervalMs`; the stream keeps trying on the policy's short refusal
 * wait, and the polling stops the moment it is accepted. A terminal status found by
 * polling ends the watch with its `complete`; a refusal that outlasts the stream's
 * deadline starts the stream afresh while the polling goes on. The watcher of
 * `client.watch`, `plan_wait` and the CLI. Rejects only with what `onEvent` threw.
 */
export async function followStream<S extends StatusLike>(
  url: string | URL,
  config: WatchConfig,
  signal: AbortSignal,
  onEvent: (event: PlanWatchEvent, lastEventId: string | undefined) => void,
  polling?: RefusedStreamPolling<S>,
): Promise<PlanWatchEnd> {
  const refusal = pollWhileRefused(polling, config.transport.clock, signal);
  try {
    const streamUrl = resolveWatchUrl(url, undefined);
    for (;;) {
      const inner = watchPlanFrom(streamUrl, config, { signal: refusal.signal });
      const end = await followOnce(inner, refusal, onEvent);
      if (end.reason === "complete") return end;
      if (refusal.polled) return { reason: "complete", event: refusal.polled };
      // Refused until the stream's deadline, while polling shows progress: try the stream afresh.
      const gaveUpRefused =
        end.reason === "error" &&
        (end.error.code === "DEADLINE_EXCEEDED" || end.error.code === "RATE_LIMITED");
      if (gaveUpRefused && refusal.polling) continue;
      return end;
    }
  } finally {
    refusal.dispose();
  }
}

/** The `plan_status` polling beside one followed stream, told of the stream's events. */
interface RefusalFallback {
  /** The streams' signal: the caller's, and aborted once polling found the plan finished. */
  readonly signal: AbortSignal;
  /** The `complete` a terminal polled status made, if one did. */
  readonly polled: PlanCompleteEvent | undefined;
  /** Whether it is polling now. */
  readonly polling: boolean;
  /** A refusal starts the polling (when enabled), a connection stops it. */
  see(event: PlanWatchEvent): void;
  dispose(): void;
}

/** Starts {@link RefusedStreamPolling} on a refusal, stops it on a connection; without `polling`, only the signal. */
function pollWhileRefused<S extends StatusLike>(
  polling: RefusedStreamPolling<S> | undefined,
  clock: Clock,
  signal: AbortSignal,
): RefusalFallback {
  let polled: PlanCompleteEvent | undefined;
  const stopStream = new AbortController();
  const linked = anySignal([signal, stopStream.signal]);
  const poller =
    polling &&
    createRefusalPolling({
      getStatus: polling.getStatus,
      intervalMs: polling.intervalMs,
      clock,
      signal: linked.signal,
      onStatus: polling.onStatus,
      onTerminal: (status) => {
        polled = completeFrom(status);
        stopStream.abort();
      },
    });
  let started = false;
  const refused = (cause: ReconnectCause) => {
    if (!poller || poller.running || !(polling.enabled?.() ?? true)) return;
    if (!started) polling.onStart?.(cause);
    started = true;
    poller.start();
  };
  return {
    signal: linked.signal,
    get polled() {
      return polled;
    },
    get polling() {
      return poller?.running ?? false;
    },
    see(event) {
      if (event.type === "connected") poller?.stop();
      else if (event.type === "reconnecting" && isRefused(event.cause)) refused(event.cause);
    },
    dispose() {
      poller?.stop();
      linked.dispose();
    },
  };
}

/** Hands every event of one watch but `complete` to `onEvent`; its end. Rejects with what `onEvent` threw. */
async function followOnce(
  inner: PlanWatch,
  refusal: RefusalFallback,
  onEvent: (event: PlanWatchEvent, lastEventId: string | undefined) => void,
): Promise<PlanWatchEnd> {
  let failed: { error: unknown } | undefined;
  try {
    for await (const event of inner) {
      if (event.type === "complete") continue;
      refusal.see(event);
      try {
        onEvent(event, inner.lastEventId);
      } catch (error) {
        failed = { error };
        break;
      }
    }
  } catch {
    // The end is in `closed`.
  }
  // A throwing callback is the caller's bug: it ends the watch, it is not swallowed.
  if (failed) throw failed.error;
  return await inner.closed;
}
