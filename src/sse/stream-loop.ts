import type { PlanExeError } from "../errors/index.js";
import { abortReason, type Clock, sleep, timeoutSignal } from "../transport/clock.js";
import type { OutageEpisode } from "../transport/episode.js";
import type { ResolvedRetryOptions } from "../transport/policy.js";
import { connect } from "./connect.js";
import type { PlanWatchEnd, PlanWatchWarning } from "./events.js";
import { createMessageHandler } from "./handle-message.js";
import type { PlanWatchSink } from "./plan-watch.js";
import {
  clampRetryHint,
  deadlineError,
  decideReconnect,
  type ReconnectState,
  type RetryOutcome,
} from "./reconnect-decision.js";

/** Everything the connection loop needs, resolved. */
export interface RunWatchContext {
  url: string;
  fetch: typeof fetch;
  clock: Clock;
  retry: ResolvedRetryOptions;
  heartbeatTimeout: number;
  maxEventBytes: number;
  lastEventId: string | undefined;
  /** Aborts on the caller's signal and on `close()`. */
  signal: AbortSignal;
  /** The caller's own signal, to tell its abort from `close()`. */
  userSignal: AbortSignal | undefined;
  episode: OutageEpisode | undefined;
  sink: PlanWatchSink;
  onWarning: (warning: PlanWatchWarning) => void;
}

/** Connects, reads, and reconnects by the retry policy until `complete`, a fatal error, the deadline or an abort. */
export async function runWatch(ctx: RunWatchContext): Promise<PlanWatchEnd> {
  const { clock, sink } = ctx;
  const handler = createMessageHandler({
    lastEventId: ctx.lastEventId,
    deliver: (event, id) => sink.push(event, id),
    warn: ctx.onWarning,
  });
  const state: ReconnectState = {
    attempt: 0,
    rateLimitHits: 0,
    outageStartedAt: undefined,
    retryHintMs: undefined,
  };
  const shared = ctx.episode?.covers(ctx.url) ? ctx.episode : undefined;
  const aborted = (): PlanWatchEnd =>
    ctx.userSignal?.aborted
      ? { reason: "aborted", error: abortReason(ctx.userSignal) }
      : { reason: "aborted" };
  let last: RetryOutcome | undefined;
  for (;;) {
    if (shared) {
      const waited = await waitForEpisode(shared, ctx, state, last);
      if (waited === "aborted") return aborted();
      if (waited) return failed(waited);
    }
    const outcome = await connect({
      url: ctx.url,
      fetch: ctx.fetch,
      clock,
      signal: ctx.signal,
      lastEventId: handler.lastEventId,
      attemptTimeoutMs: ctx.retry.attemptTimeoutMs,
      heartbeatTimeoutMs: ctx.heartbeatTimeout,
      maxEventBytes: ctx.maxEventBytes,
      onAnswer: () => shared?.reportUp(),
      onOpen: () => sink.push({ type: "connected", attempt: state.attempt }, handler.lastEventId),
      onMessage: (message) => handler.handle(message),
      onRetryHint: (ms) => {
        state.retryHintMs = clampRetryHint(ms);
      },
      onWarning: ctx.onWarning,
    });
    if (outcome.kind === "aborted") return aborted();
    if (outcome.kind === "fatal") return failed(outcome.error);
    if (outcome.kind === "complete") {
      sink.push(outcome.event, handler.lastEventId);
      return { reason: "complete", event: outcome.event };
    }
    last = outcome;
    const now = clock.now();
    // An outage goes to the shared episode: one probe for every call and stream of the client.
    if (shared && outcome.outage) shared.reportDown(ctx.url);
    const sharedDelay = shared && outcome.outage ? nextProbeIn(shared, now) : undefined;
    const decision = decideReconnect(outcome, state, ctx.retry, now, sharedDelay);
    if ("error" in decision) return failed(decision.error);
    sink.push(
      {
        type: "reconnecting",
        attempt: state.attempt,
        delayMs: decision.delayMs,
        cause: outcome.cause,
      },
      handler.lastEventId,
    );
    if (sharedDelay !== undefined) continue; // the wait is the episode's, at the top of the loop
    try {
      await sleep(decision.delayMs, { clock, signal: ctx.signal });
    } catch {
      return aborted();
    }
  }
}

function nextProbeIn(episode: OutageEpisode, now: number): number {
  return Math.max(0, (episode.nextProbeAt ?? now) - now);
}

/** Waits while the shared episode is down, within what is left of this outage's deadline. */
async function waitForEpisode(
  episode: OutageEpisode,
  ctx: RunWatchContext,
  state: ReconnectState,
  last: RetryOutcome | undefined,
): Promise<"aborted" | PlanExeError | undefined> {
  const now = ctx.clock.now();
  const left = (state.outageStartedAt ?? now) + ctx.retry.deadlineMs - now;
  const limit = timeoutSignal(Math.max(0, left), { clock: ctx.clock, parent: ctx.signal });
  try {
    await episode.waitForRecovery(limit.signal);
    return undefined;
  } catch {
    if (ctx.signal.aborted) return "aborted";
    const cause = last ?? {
      kind: "retry",
      productive: false,
      cause: { code: "NETWORK_ERROR", message: "The server is down (shared outage episode)" },
    };
    return deadlineError(cause, state, ctx.clock.now());
  } finally {
    limit.dispose();
  }
}

function failed(error: PlanExeError): PlanWatchEnd {
  return { reason: "error", error };
}
