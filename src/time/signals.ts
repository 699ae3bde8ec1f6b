import { abortReason } from "./clock.js";

/**
 * A signal that aborts when any of `signals` aborts, with that signal's reason.
 * `dispose()` detaches it from its parents once the guarded work is over.
 */
export function anySignal(signals: readonly (AbortSignal | undefined)[]): {
  signal: AbortSignal;
  dispose: () => void;
} {
  const controller = new AbortController();
  const parents = signals.filter((s): s is AbortSignal => s !== undefined);
  const cleanups: (() => void)[] = [];
  const dispose = () => {
    for (const cleanup of cleanups) cleanup();
    cleanups.length = 0;
  };
  for (const parent of parents) {
    if (parent.aborted) {
      controller.abort(abortReason(parent));
      dispose();
      return { signal: controller.signal, dispose };
    }
    const onAbort = () => {
      controller.abort(abortReason(parent));
      dispose();
    };
    parent.addEventListener("abort", onAbort, { once: true });
    cleanups.push(() => parent.removeEventListener("abort", onAbort));
  }
  return { signal: controller.signal, dispose };
}

/**
 * Settles like `promise`, but rejects at once with `signal.reason` when `signal`
 * aborts first: an inner `fetch` that ignores its signal cannot hold the caller.
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(abortReason(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Lets `signal` take any number of abort listeners without Node's
 * `MaxListenersExceededWarning` (past 10): for a long-lived signal that every
 * request in flight listens on, each listener removed when its request settles.
 * Elsewhere (browsers) there is no such warning and nothing to do.
 */
export function allowManyListeners(signal: AbortSignal): void {
  const events = globalThis.process?.getBuiltinModule?.("node:events");
  events?.setMaxListeners(0, signal);
}
