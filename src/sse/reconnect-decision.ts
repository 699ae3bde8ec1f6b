import { TransportError } from "../errors/index.js";
import { backoffDelay, type ResolvedRetryOptions } from "../transport/policy.js";
import type { ReconnectCause } from "./events.js";

/** The server's `retry:` hint is honoured within this range (ms). */
const RETRY_HINT_RANGE = { min: 100, max: 60_000 } as const;

/** A connection ended in a way that calls for another one. */
export interface RetryOutcome {
  kind: "retry";
  cause: ReconnectCause;
  /** The connection delivered at least one event: the outage (if any) starts afresh. */
  productive: boolean;
  /** The server's `Retry-After`, in ms from now. */
  retryAfterMs?: number | undefined;
  /** The original error, kept as the `cause` of a final error. */
  error?: unknown;
  /** The server looked down (no answer, 502/503/504, no headers in time): what a shared outage episode hears about. */
  outage?: boolean;
}

/** What the reconnect loop remembers between connections. */
export interface ReconnectState {
  /** Reconnect attempts since the last productive connection. */
  attempt: number;
  /** Consecutive rate-limit answers (429, an empty 200, `SSE_CONNECTION_LIMIT`). */
  rateLimitHits: number;
  /** When the current outage began (ms), or `undefined` when there is none. */
  outageStartedAt: number | undefined;
  /** The server's last valid `retry:` hint, clamped, in ms. */
  retryHintMs: number | undefined;
}

/** The server's `retry:` value as a delay (it is already all ASCII digits), clamped to {@link RETRY_HINT_RANGE}. */
export function clampRetryHint(ms: number): number {
  return Math.min(RETRY_HINT_RANGE.max, Math.max(RETRY_HINT_RANGE.min, ms));
}

/**
 * How long to wait before the next connection, by the SDK's one retry policy:
 * full-jitter backoff for network errors, 5xx and timeouts; `Retry-After` (or the
 * rate-limit default, doubling) for 429 and PlanExe's empty 200; the server's
 * `retry:` as the floor after it closed the stream; at once after `SSE_TIMEOUT`.
 * Gives up with `DEADLINE_EXCEEDED` when waiting would take the outage past
 * `deadlineMs`. Updates `state`.
 */
export function decideReconnect(
  outcome: RetryOutcome,
  state: ReconnectState,
  retry: ResolvedRetryOptions,
  now: number,
  /** While a shared outage episode is down, its next probe replaces this stream's own backoff. */
  sharedDelayMs?: number,
): { delayMs: number } | { error: TransportError } {
  if (outcome.productive) {
    state.attempt = 0;
    state.rateLimitHits = 0;
    state.outageStartedAt = undefined;
  }
  state.attempt += 1;
  state.outageStartedAt ??= now;
  const delayMs =
    sharedDelayMs !== undefined && outcome.outage ? sharedDelayMs : delayFor(outcome, state, retry);
  if (now - state.outageStartedAt + delayMs > retry.deadlineMs) {
    return { error: deadlineError(outcome, state, now) };
  }
  return { delayMs };
}

/** The error a watch ends with when an outage outlasts `deadlineMs`. */
export function deadlineError(
  last: RetryOutcome,
  state: ReconnectState,
  now: number,
): TransportError {
  const elapsed = now - (state.outageStartedAt ?? now);
  const message =
    `Gave up on the progress stream after ${state.attempt} attempts over ` +
    `${Math.round(elapsed / 1000)} s (last: ${last.cause.message})`;
  return new TransportError("DEADLINE_EXCEEDED", message, {
    cause: last.error ?? last.cause,
    attempts: state.attempt,
    status: last.cause.status,
  });
}

function delayFor(outcome: RetryOutcome, state: ReconnectState, retry: ResolvedRetryOptions) {
  switch (outcome.cause.code) {
    case "SSE_TIMEOUT":
      return 0;
    case "RATE_LIMITED":
    case "EMPTY_RESPONSE":
    case "SSE_CONNECTION_LIMIT": {
      state.rateLimitHits += 1;
      if (outcome.retryAfterMs !== undefined)
        return Math.min(outcome.retryAfterMs, retry.maxRetryAfterMs);
      return Math.min(
        retry.maxRetryAfterMs,
        retry.rateLimitDelayMs * 2 ** (state.rateLimitHits - 1),
      );
    }
    case "STREAM_ENDED":
    case "SERVER_ERROR":
      return Math.max(state.retryHintMs ?? 0, backoffDelay(state.attempt, retry));
    default:
      return backoffDelay(state.attempt, retry);
  }
}
