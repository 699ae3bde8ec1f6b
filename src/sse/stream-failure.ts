import { type FailureCode, failureKindOf } from "../transport/policy/decide.js";
import type { Failure } from "../transport/policy/failure-kind.js";
import type { ReconnectCause } from "./events.js";

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
}

/** How the one retry policy sees a stream's end (a stream is read-only: always safe to open again). */
export function streamFailure(outcome: RetryOutcome): Failure {
  const { code, status } = outcome.cause;
  return {
    // Every reconnect cause is a code the policy knows: a new one without a kind is a type error here.
    kind: failureKindOf(code satisfies FailureCode, status),
    delivery: "no",
    status: outcome.cause.status,
    retryAfterMs: outcome.retryAfterMs,
    error: outcome.error,
  };
}

/**
 * The cause a watcher reports when the server refused the stream for now: a 429 as
 * it came; an empty 200 that repeats is PlanExe's connection limit as today's server
 * reports it, so it is named `SSE_CONNECTION_LIMIT` (what the server means to send).
 */
export function refusalCause(cause: ReconnectCause): ReconnectCause {
  if (cause.code !== "EMPTY_RESPONSE") return cause;
  return {
    code: "SSE_CONNECTION_LIMIT",
    message:
      "The server refused the stream: a 200 with an empty body again (PlanExe's connection limit, 5 streams per address)",
  };
}

/** Whether a `reconnecting` event's cause says the server refused the stream for now (its connection limit, a 429). */
export function isRefused(cause: ReconnectCause): boolean {
  return cause.code === "SSE_CONNECTION_LIMIT" || cause.code === "RATE_LIMITED";
}
