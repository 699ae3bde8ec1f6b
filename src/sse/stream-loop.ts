/**
 * The watch over one stream URL, connection after connection. Owns: opening each
 * connection (`connection.ts`) with the last event id, handing its messages to one
 * handler for the whole watch (`messages.ts`, so dedupe spans reconnects), and, when a
 * connection ends without `complete`, asking the one retry policy (`decide`) whether
 * and when to connect again, waiting on the shared outage episode while it is down.
 */
import { type PlanExeError, TransportError } from "../errors/index.js";
import { abortReason, type Clock, sleep, timeoutSignal } from "../time/clock.js";
import type { EpisodeControl } from "../transport/episode/episode.js";
import type { FetchFunction } from "../transport/http/fetch-function.js";
import type { RetryDecision } from "../transport/policy/decide.js";
import type { ResolvedRetryOptions } from "../transport/policy/retry-options.js";
import { type RetryTracker, trackRetries } from "../transport/retry-tracker.js";
import { type ConnectOutcome, connect } from "./connection.js";
import type { PlanWatchSink } from "./event-queue.js";
import type { PlanWatchEnd, PlanWatchWarning } from "./events.js";
import { createMessageHandler, type MessageHandler } from "./messages.js";
import { type RetryOutcome, refusalCause, streamFailure } from "./stream-failure.js";

/** Everything the connection loop needs, resolved. */
export interface StreamLoopContext {
  url: string;
  fetch: FetchFunction;
  clock: Clock;
  retry: ResolvedRetryOptions;
  heartbeatTimeoutMs: number;
  maxEventBytes: number;
  lastEventId: string | undefined;
  /** Aborts on the caller's signal and on `close()`. */
  signal: AbortSignal;
  /** The caller's own signal, to tell its abort from `close()`. */
  userSignal: AbortSignal | undefined;
  /** The shared outage episode of the stream's origin, if any. */
  episode: EpisodeControl | undefined;
  sink: PlanWatchSink;
  onWarning: (warning: PlanWatchWarning) => void;
}

/**
 * Connects, reads, and reconnects until `complete`, a fatal error, the deadline or
 * an abort. How long to wait between connections is the one retry policy's call
 * (`decide`); while the shared episode is down, the wait is its probe's.
 */
export async function runStreamLoop(ctx: StreamLoopContext): Promise<PlanWatchEnd> {
  const { clock, sink } = ctx;
  const handler = createMessageHandler({
    lastEventId: ctx.lastEventId,
    deliver: sink.push,
    warn: ctx.onWarning,
  });
  const shared = ctx.episode?.covers(ctx.url) ? ctx.episode : undefined;
  // Each outage is counted, and has its deadline, from its first failure.
  const outage = trackRetries({
    operation: "stream",
    policy: ctx.retry,
    clock,
    episode: shared,
    url: ctx.url,
    measureFrom: "first-failure",
  });
  const aborted = (): PlanWatchEnd =>
    ctx.userSignal?.aborted
      ? { reason: "aborted", error: abortReason(ctx.userSignal) }
      : { reason: "aborted" };
  let last: RetryOutcome | undefined;
  for (;;) {
    if (shared) {
      const waited = await waitForEpisode(shared, ctx, outage, last);
      if (waited === "aborted") return aborted();
      if (waited) return failed(waited);
    }
    const outcome = await connectOnce(ctx, handler, outage, shared);
    if (outcome.kind === "aborted") return aborted();
    if (outcome.kind === "fatal") return failed(outcome.error);
    if (outcome.kind === "complete") {
      sink.push(outcome.event, handler.lastEventId);
      return { reason: "complete", event: outcome.event };
    }
    last = outcome;
    const next = planReconnect(outcome, ctx, outage, handler.lastEventId);
    if (next instanceof TransportError) return failed(next);
    if (next.waitOn === "episode") continue; // the wait is the episode's, at the top of the loop
    try {
      await sleep(next.delayMs, { clock, signal: ctx.signal });
    } catch {
      return aborted();
    }
  }
}

/** One connection, resuming after the handler's last event id; its events go to the handler, the server's answers to the episode. */
function connectOnce(
  ctx: StreamLoopContext,
  handler: MessageHandler,
  outage: RetryTracker,
  shared: EpisodeControl | undefined,
): Promise<ConnectOutcome> {
  return connect({
    url: ctx.url,
    fetch: ctx.fetch,
    clock: ctx.clock,
    signal: ctx.signal,
    lastEventId: handler.lastEventId,
    attemptTimeoutMs: ctx.retry.attemptTimeoutMs,
    heartbeatTimeoutMs: ctx.heartbeatTimeoutMs,
    maxEventBytes: ctx.maxEventBytes,
    onAnswer: () => shared?.reportUp(),
    onOpen: () =>
      ctx.sink.push({ type: "connected", attempt: outage.attempt }, handler.lastEventId),
    onMessage: handler.handle,
    onRetryHint: outage.retryHint,
    onWarning: ctx.onWarning,
  });
}

/**
 * After a connection that calls for another: counts it into the outage (which reports
 * an outage to the shared episode), asks the one policy, and tells the watcher
 * `reconnecting`. Returns how to wait, or the error the watch ends with.
 */
function planReconnect(
  outcome: RetryOutcome,
  ctx: StreamLoopContext,
  outage: RetryTracker,
  lastEventId: string | undefined,
): RetryDecision | TransportError {
  if (outcome.productive) outage.gotThrough();
  const counted = outage.failed(streamFailure(outcome));
  const decision = counted.decide();
  if (decision.action === "give-up") return deadlineError(outcome, outage, ctx.clock.now());
  ctx.sink.push(
    {
      type: "reconnecting",
      attempt: outage.attempt,
      delayMs: decision.delayMs,
      sharedWait: decision.waitOn === "episode",
      cause: counted.refused ? refusalCause(outcome.cause) : outcome.cause,
    },
    lastEventId,
  );
  return decision;
}

/** The error a watch ends with when an outage outlasts `deadlineMs` (or a wait would pass it). */
function deadlineError(last: RetryOutcome, outage: RetryTracker, now: number): TransportError {
  const elapsed = now - (outage.startedAt ?? now);
  const message =
    `Gave up on the progress stream after ${outage.attempt} attempts over ` +
    `${Math.round(elapsed / 1000)} s (last: ${last.cause.message})`;
  return new TransportError("DEADLINE_EXCEEDED", message, {
    cause: last.error ?? last.cause,
    attempts: outage.attempt,
    status: last.cause.status,
  });
}

/** Waits while the shared episode is down, within what is left of this outage's deadline. */
async function waitForEpisode(
  episode: EpisodeControl,
  ctx: StreamLoopContext,
  outage: RetryTracker,
  last: RetryOutcome | undefined,
): Promise<"aborted" | PlanExeError | undefined> {
  const left = outage.remainingMs();
  const limit = timeoutSignal(Math.max(0, left), { clock: ctx.clock, parent: ctx.signal });
  try {
    await episode.waitForRecovery(limit.signal);
    return undefined;
  } catch {
    if (ctx.signal.aborted) return "aborted";
    const cause: RetryOutcome = last ?? {
      kind: "retry",
      productive: false,
      cause: { code: "NETWORK_ERROR", message: "The server is down (shared outage episode)" },
    };
    return deadlineError(cause, outage, ctx.clock.now());
  } finally {
    limit.dispose();
  }
}

function failed(error: PlanExeError): PlanWatchEnd {
  return { reason: "error", error };
}
