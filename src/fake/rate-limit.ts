import type { Clock } from "../time/clock.js";

/** Rate-limit settings: requests allowed per client in a sliding window. */
export interface RateLimitOptions {
  /** Tool calls per window on `/mcp` and `/mcp/tools/call`. @default 60 */
  limit?: number;
  /** @default 60_000 */
  windowMs?: number;
  /** Downloads per window. @default 10 */
  downloadLimit?: number;
  /**
   * Send `Retry-After: <seconds>` with each 429. PlanExe sends none; this is for
   * testing a client against a server or proxy that does.
   * @default undefined (no header)
   */
  retryAfterSeconds?: number;
}

/** Which budget a request spends. */
export type RateBucket = "mcp" | "download";

/** A sliding-window limiter keyed by client and bucket. */
export interface RateLimiter {
  /** Spends one request; false when the client is over its limit (nothing is spent then). */
  take(clientKey: string, bucket: RateBucket): boolean;
}

/** A limiter on `clock`; `undefined` options mean no limit at all. */
export function createRateLimiter(
  clock: Clock,
  options: RateLimitOptions | undefined,
): RateLimiter {
  if (!options) return { take: () => true };
  const windowMs = options.windowMs ?? 60_000;
  const limits: Record<RateBucket, number> = {
    mcp: options.limit ?? 60,
    download: options.downloadLimit ?? 10,
  };
  const hits = new Map<string, number[]>();
  return {
    take(clientKey, bucket) {
      const key = `${bucket}:${clientKey}`;
      const now = clock.now();
      const recent = (hits.get(key) ?? []).filter((at) => at > now - windowMs);
      if (recent.length >= limits[bucket]) {
        hits.set(key, recent);
        return false;
      }
      recent.push(now);
      hits.set(key, recent);
      return true;
    },
  };
}
