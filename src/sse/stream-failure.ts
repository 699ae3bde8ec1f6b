import type { Failure, FailureKind } from "../transport/decide.js";
import type { ReconnectCause, ReconnectCode } from "./events.js";

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
  /** The server looked down (no answer, 502/503/504, no headers in time). */
  outage?: boolean;
}

const KINDS: Record<ReconnectCode, FailureKind> = {
  NETWORK_ERROR: "network",
  HTTP_ERROR: "outage-status",
  ATTEMPT_TIMEOUT: "timeout",
  RATE_LIMITED: "rate-limited",
  SSE_CONNECTION_LIMIT: "rate-limited",
  EMPTY_RESPONSE: "empty-stream",
  STREAM_ENDED: "stream-ended",
  SERVER_ERROR: "stream-ended",
  HEARTBEAT_TIMEOUT: "heartbeat-timeout",
  SSE_TIMEOUT: "sse-timeout",
};

/** How the one retry policy sees a stream's end (a stream is read-only: always safe to open again). */
export function streamFailure(outcome: RetryOutcome): Failure {
  const refused = outcome.cause.code === "HTTP_ERROR" && outcome.cause.status === 503;
  return {
    kind: refused ? "unavailable" : KINDS[outcome.cause.code],
    delivery: "no",
    status: outcome.cause.status,
    retryAfterMs: outcome.retryAfterMs,
    error: outcome.error,
  };
}
