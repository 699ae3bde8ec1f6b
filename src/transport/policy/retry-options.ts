import { clampToTimer, durationMs } from "../../time/duration.js";

/** Marks options that went through {@link resolveRetryOptions}: only it makes them, nothing takes them back in. */
declare const resolvedRetry: unique symbol;

/** What a caller may tune in the SDK's one retry policy (tool calls and progress streams alike). */
export interface RetryOptions {
  /** The first backoff step, in ms. @default 250 */
  minDelayMs?: number;
  /** The largest backoff step, in ms (full jitter picks a delay in `[0, step]`). @default 8_000 */
  maxDelayMs?: number;
  /** Growth of the step per attempt. @default 2 */
  factor?: number;
  /** Give up after this long overall, in ms; covers a 120 s deploy window. @default 180_000 */
  deadlineMs?: number;
  /** Abort one attempt after this long without a response, in ms. @default 30_000 */
  attemptTimeoutMs?: number;
  /** The longest `Retry-After` honoured, in ms; longer values are capped. @default 60_000 */
  maxRetryAfterMs?: number;
  /**
   * Wait after a 429 that has no `Retry-After` (PlanExe sends none), in ms, ± 20 %
   * jitter; the same after each further 429 (PlanExe does not count refused requests,
   * so trying again costs nothing and gets through about a second after a slot frees).
   * @default 1_000
   */
  rateLimitDelayMs?: number;
  /** Random source in `[0, 1)` for jitter; inject for determinism. @default Math.random */
  random?: () => number;
  /**
   * Not here: time is given once, as the top-level `clock` option beside `retry`
   * (`{ clock, retry }`), and every layer reads that one.
   */
  clock?: "give `clock` beside `retry`, not inside it" | undefined;
  /** Options already resolved are never resolved again (see {@link ResolvedRetryOptions}). */
  readonly [resolvedRetry]?: never;
}

/**
 * {@link RetryOptions} with every default filled in. Only {@link resolveRetryOptions}
 * makes one, and no function that takes {@link RetryOptions} accepts one back: options
 * are resolved once, where the caller hands them in.
 */
export type ResolvedRetryOptions = Readonly<
  Required<Omit<RetryOptions, "clock" | typeof resolvedRetry>>
> & { readonly [resolvedRetry]: true };

/** The defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY = {
  minDelayMs: 250,
  maxDelayMs: 8_000,
  factor: 2,
  deadlineMs: 180_000,
  attemptTimeoutMs: 30_000,
  maxRetryAfterMs: 60_000,
  rateLimitDelayMs: 1_000,
} as const;

/** Fills in defaults and rejects nonsense with a `TypeError` that says what to pass instead. */
export function resolveRetryOptions(options: RetryOptions = {}): ResolvedRetryOptions {
  return checked({ ...DEFAULT_RETRY, random: Math.random, ...given(options) });
}

/**
 * `base` with a caller's `overrides` on top (a watch's own `retry` over its client's),
 * checked as {@link resolveRetryOptions} checks; `base` itself when there are none.
 */
export function overrideRetryOptions(
  base: ResolvedRetryOptions,
  overrides: RetryOptions | undefined,
): ResolvedRetryOptions {
  if (overrides === undefined) return base;
  return checked({ ...base, ...given(overrides) });
}

/** The fields a caller set (an `undefined` one keeps its default). */
function given(options: RetryOptions): Partial<Record<keyof typeof DEFAULT_RETRY, unknown>> & {
  random?: () => number;
} {
  if (options.clock !== undefined)
    throw new TypeError(
      "retry: clock is not a retry option; give it beside retry: `{ clock, retry: { deadlineMs } }`",
    );
  const { clock: _clock, ...tunable } = options;
  return Object.fromEntries(Object.entries(tunable).filter(([, v]) => v !== undefined));
}

function checked(options: object): ResolvedRetryOptions {
  const resolved = options as ResolvedRetryOptions;
  for (const key of Object.keys(DEFAULT_RETRY) as (keyof typeof DEFAULT_RETRY)[]) {
    if (key === "factor") continue;
    durationMs("retry", key, resolved[key], 0, { zero: true, infinite: true });
  }
  if (typeof resolved.factor !== "number" || Number.isNaN(resolved.factor))
    throw new TypeError(`retry: factor must be a number >= 1, got ${String(resolved.factor)}`);
  if (resolved.factor < 1)
    throw new TypeError(`retry: factor must be a number >= 1, got ${resolved.factor}`);
  return resolved;
}

/**
 * Full-jitter exponential backoff: a random delay in `[0, min(maxDelayMs, minDelayMs × factor^(attempt−1))]`.
 * `attempt` counts retries from 1.
 */
export function backoffDelay(attempt: number, options: ResolvedRetryOptions): number {
  const step = Math.min(
    options.maxDelayMs,
    options.minDelayMs * options.factor ** Math.max(0, attempt - 1),
  );
  return Math.floor(options.random() * step);
}

/**
 * A `Retry-After` header in ms from `now`: delta-seconds or an HTTP-date.
 * `undefined` when absent or unparseable; never negative, never longer than a timer holds.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return clampToTimer(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return clampToTimer(date - now);
}
