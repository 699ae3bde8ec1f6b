import { clampToTimer } from "./duration.js";

/**
 * Where time comes from. Every delay in the SDK (backoff, heartbeats, deadlines,
 * the double's plan progress) is scheduled through a `Clock`, so tests can run a
 * 120 s deploy window in milliseconds and hosts can plug in their own scheduler.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** The real clock: `Date.now()` and `setTimeout` (a delay past what a timer holds is clamped, never fired at once). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const handle = setTimeout(fn, clampToTimer(ms));
    return () => clearTimeout(handle);
  },
};

/** The reason a signal aborted with, or a standard `AbortError` when it has none. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/**
 * Waits `ms` on `clock`. Rejects at once with `signal.reason` when the signal aborts
 * (also when it has already aborted).
 */
export function sleep(
  ms: number,
  options: { clock?: Clock | undefined; signal?: AbortSignal | undefined } = {},
): Promise<void> {
  const { clock = systemClock, signal } = options;
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      cancel();
      reject(abortReason(signal as AbortSignal));
    };
    const cancel = clock.setTimer(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * An `AbortSignal` that aborts after `ms` on `clock` (with a `TimeoutError`
 * `DOMException`, like `AbortSignal.timeout`) or when `parent` aborts. Call
 * `dispose()` once the guarded work is done so no timer is left behind.
 */
export function timeoutSignal(
  ms: number,
  options: { clock?: Clock | undefined; parent?: AbortSignal | undefined } = {},
): { signal: AbortSignal; dispose: () => void } {
  const { clock = systemClock, parent } = options;
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(abortReason(parent as AbortSignal));
  if (parent?.aborted) {
    controller.abort(abortReason(parent));
    return { signal: controller.signal, dispose: () => {} };
  }
  parent?.addEventListener("abort", onParentAbort, { once: true });
  const cancel = Number.isFinite(ms)
    ? clock.setTimer(
        () => controller.abort(new DOMException(`Timed out after ${ms} ms`, "TimeoutError")),
        ms,
      )
    : () => {};
  return {
    signal: controller.signal,
    dispose: () => {
      cancel();
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}
