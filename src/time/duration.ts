/** The longest delay a JavaScript timer can take (about 24.8 days); longer ones would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * The one rule for durations a timer must hold. A user's (an option, a CLI flag)
 * longer than {@link MAX_TIMER_MS} is refused ({@link durationMs}, `timerDurationProblem`);
 * a server's (`Retry-After`, `retry:`) and any delay handed to a clock is clamped
 * to it by this function: waiting 24.8 days instead of firing at once.
 */
export function clampToTimer(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

/**
 * Why `ms` cannot be a user's finite duration (`undefined` when it can): longer than
 * a timer holds. Worded for a message: "is longer than …".
 */
export function timerDurationProblem(ms: number): string | undefined {
  if (ms <= MAX_TIMER_MS) return undefined;
  return `is longer than a timer can wait (at most ${MAX_TIMER_MS} ms, about 24.8 days)`;
}

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
 * `watchPlan: heartbeatTimeoutMs must be a positive number of milliseconds, got "5s"`;
 * a finite value longer than a timer holds is misuse too (it would fire at once).
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
  const tooLong = Number.isFinite(value) ? timerDurationProblem(value) : undefined;
  if (tooLong)
    throw new TypeError(
      `${owner}: ${name} ${tooLong}, got ${value}${rule.infinite ? "; pass Infinity for never" : ""}`,
    );
  return value;
}
