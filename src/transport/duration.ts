/** The longest delay a JavaScript timer can take (about 24.8 days); longer ones would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** What a duration option may be. */
export interface DurationRule {
  /** Whether `0` is allowed. @default false */
  zero?: boolean;
  /** Whether `Infinity` (never) is allowed. @default false */
  infinite?: boolean;
}

/**
 * Checks a duration option (a number of milliseconds) and returns it, or `fallback`
 * when it is `undefined`. Misuse throws one kind of `TypeError`:
 * `watchPlan: heartbeatTimeoutMs must be a positive number of milliseconds, got "5s"`.
 */
export function durationMs(
  owner: string,
  name: string,
  value: unknown,
  fallback: number,
  rule: DurationRule = {},
): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === "number" &&
    !Number.isNaN(value) &&
    (rule.zero ? value >= 0 : value > 0) &&
    (rule.infinite || Number.isFinite(value));
  if (!ok) {
    const range = rule.zero ? "a non-negative" : "a positive";
    const infinity = rule.infinite ? " (or Infinity)" : "";
    throw new TypeError(
      `${owner}: ${name} must be ${range} number of milliseconds${infinity}, got ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
    );
  }
  return value;
}
