/**
 * What went wrong, in the words the retry policy tells failures apart with: the
 * kinds, whether a request may have been delivered, and one classified failure.
 * Types only, so the classifiers (`classify.ts`, `statuses.ts`) and the decision
 * (`decide.ts`) share them without importing each other.
 */

/**
 * What went wrong, as the retry policy tells failures apart. The I/O loops (tool
 * calls, progress streams, reruns, downloads) classify what they saw into one of these.
 */
export type FailureKind =
  /** No answer: refused, reset, DNS, a cut connection. */
  | "network"
  /** No answer within `attemptTimeoutMs` (headers, a JSON body, a download body that stalls). */
  | "timeout"
  /** 502 / 504: the edge, with no server behind it (a restart window). */
  | "outage-status"
  /**
   * 503: a server that answers but refuses this request without acting on it (a
   * replica draining in a rolling deploy, an overload). The next request may land on
   * a healthy replica, so it is retried on its own backoff; it does not stop the
   * process's other calls.
   */
  | "unavailable"
  /** 429, or the stream's `SSE_CONNECTION_LIMIT`. */
  | "rate-limited"
  /** A stream answered 200 and closed before its first byte. */
  | "empty-stream"
  /** A stream that had delivered closed, broke or ended with an `event: error` other than the two below. */
  | "stream-ended"
  /** A stream sent no byte for `heartbeatTimeoutMs` (half-open, black-holed). */
  | "heartbeat-timeout"
  /** `event: error` `SSE_TIMEOUT`: PlanExe ends every stream after an hour. */
  | "sse-timeout";

/** One classified failure. */
export interface Failure {
  kind: FailureKind;
  /** Whether the request may have reached the server (`"no"`: it cannot have acted on it). */
  delivery: Delivery;
  /** The HTTP status, when the server answered with one. */
  status?: number | undefined;
  /** The server's `Retry-After`, in ms from now (uncapped). */
  retryAfterMs?: number | undefined;
  /** The original error, kept as the final error's `cause`. */
  error?: unknown;
}

/**
 * Whether a failed request may have reached the server:
 * - `"no"`: it never left (connection refused, DNS failure, connect timeout), so
 *   sending it again is always safe;
 * - `"maybe"`: it may have been received and acted on (reset, stall, 502/504).
 */
export type Delivery = "no" | "maybe";
