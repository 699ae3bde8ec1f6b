import { abortReason } from "../time/clock.js";
import { allowManyListeners } from "../time/signals.js";

/** One call inside a {@link CallScope}: its signal, and `exit()` when it settles. */
export interface ScopedCall {
  readonly signal: AbortSignal;
  /** True when the signal is the scope's own, shared by every call without a signal (only `close()` aborts it). */
  readonly shared: boolean;
  exit(): void;
}

const NOTHING_TO_UNDO = () => {};

/**
 * The calls of one client, so `close()` can abort them all. A call that brings no
 * signal of its own (nearly all) gets the scope's one signal, which only `close()`
 * aborts: no controller per call (in Node, making an `AbortSignal` costs more than
 * the rest of a call's bookkeeping). A call with a signal gets its own controller,
 * linked to that signal and kept in a set, so the caller's signal gets one listener
 * per call and the scope's none.
 */
export class CallScope {
  readonly #open = new Set<AbortController>();
  #closed: { reason: unknown } | undefined;
  /** Aborted by `close()`: the signal of every call that brought none. Made on first use. */
  #shared: AbortController | undefined;

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Starts a call: its signal aborts when `signal` does or when the scope closes. */
  enter(signal?: AbortSignal): ScopedCall {
    if (!signal && !this.#closed)
      return { signal: this.#sharedSignal(), shared: true, exit: NOTHING_TO_UNDO };
    const controller = new AbortController();
    if (this.#closed) controller.abort(this.#closed.reason);
    else if (signal?.aborted) controller.abort(abortReason(signal));
    if (controller.signal.aborted)
      return { signal: controller.signal, shared: false, exit: NOTHING_TO_UNDO };
    const onAbort = () => controller.abort(abortReason(signal as AbortSignal));
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#open.add(controller);
    return {
      signal: controller.signal,
      shared: false,
      exit: () => {
        signal?.removeEventListener("abort", onAbort);
        this.#open.delete(controller);
      },
    };
  }

  /** Aborts every open call with `reason`; later calls start aborted. */
  close(reason: unknown): void {
    if (this.#closed) return;
    this.#closed = { reason };
    this.#shared?.abort(reason);
    for (const controller of this.#open) controller.abort(reason);
    this.#open.clear();
  }

  #sharedSignal(): AbortSignal {
    if (!this.#shared) {
      this.#shared = new AbortController();
      // Every call in flight listens on it (and stops when it settles): as many as run at once.
      allowManyListeners(this.#shared.signal);
    }
    return this.#shared.signal;
  }
}
