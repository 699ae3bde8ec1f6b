import type { Delivery, FailureKind } from "./failure-kind.js";

/**
 * What an HTTP status means to the retry policy, in one place: which statuses are
 * an outage, which are retried, and whether the request may have been acted on.
 */

/** 502 / 504: an edge with no server behind it (a restart window). The one definition of an outage status. */
function isOutageStatus(status: number): boolean {
  return status === 502 || status === 504;
}

/** The kinds of failure an HTTP answer can be. */
export type StatusFailureKind = Extract<
  FailureKind,
  "outage-status" | "unavailable" | "rate-limited"
>;

/**
 * The failure an answer with `status` is, for the statuses the policy retries: an
 * outage status; 503, a server that refuses this request without acting on it (a
 * replica draining in a rolling deploy); 429. `undefined`: an answer, returned as is.
 */
export function statusFailureKind(status: number): StatusFailureKind | undefined {
  if (status === 429) return "rate-limited";
  if (status === 503) return "unavailable";
  return isOutageStatus(status) ? "outage-status" : undefined;
}

/** Whether an answer with `status` comes from the server itself (not an edge's 502/504, not a 503 refusal): a probe that gets one ends an outage. */
export function isServerAnswer(status: number): boolean {
  const kind = statusFailureKind(status);
  return kind === undefined || kind === "rate-limited";
}

/**
 * The delivery of a request answered with a retried status: 503 and 429 say
 * the server did not act on it (RFC 9110 §15.6.4, RFC 6585 §4); a gateway's 502/504
 * may come after the origin received it.
 */
export function statusDelivery(status: number): Delivery {
  return status === 503 || status === 429 ? "no" : "maybe";
}
