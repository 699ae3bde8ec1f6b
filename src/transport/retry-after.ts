import { parseRetryAfter, type ResolvedRetryOptions } from "./policy.js";

/**
 * How long to wait after a 429: the server's `Retry-After` (seconds or HTTP-date),
 * capped at `maxRetryAfterMs`; without one, `rateLimitDelayMs` doubled for each
 * further 429 in a row (`streak` counts from 1), capped the same way.
 */
export function rateLimitDelay(
  retryAfter: string | null,
  streak: number,
  options: Pick<ResolvedRetryOptions, "maxRetryAfterMs" | "rateLimitDelayMs">,
  now: number,
): number {
  const fromServer = parseRetryAfter(retryAfter, now);
  const delay = fromServer ?? options.rateLimitDelayMs * 2 ** Math.max(0, Math.min(streak - 1, 20));
  return Math.min(delay, options.maxRetryAfterMs);
}

/** The capped `Retry-After` of a 502/503/504, when the server sent one. */
export function outageRetryAfter(
  retryAfter: string | null,
  options: Pick<ResolvedRetryOptions, "maxRetryAfterMs">,
  now: number,
): number | undefined {
  const fromServer = parseRetryAfter(retryAfter, now);
  return fromServer === undefined ? undefined : Math.min(fromServer, options.maxRetryAfterMs);
}
