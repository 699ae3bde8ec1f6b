import { abortReason } from "../transport/clock.js";

/** One call inside a {@link CallScope}: its signal, and `exit()` when it settles. */
export interface ScopedCall {
  readonly signal: AbortSignal;
  exit(): void;
}

/**
 * The calls of one client, so `close()` can abort them all. Each call gets its own
 * controller, linked to the caller's signal; the scope keeps a set of them instead
 * of hanging one listener per call on a shared signal (Node warns past 10).
 */
export class CallScope {
  readonly #open = new Set<AbortController>();
  #closed: { reason: unknown } | undefined;

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Starts a call: its signal aborts when `signal` does or when the scope closes. */
  enter(signal?: AbortSignal): ScopedCall {
    const controller = new AbortController();
    if (this.#closed) controller.abort(this.#closed.reason);
    else if (signal?.aborted) controller.abort(abortReason(signal));
    if (controller.signal.aborted) return { signal: controller.signal, exit: () => {} };
    const onAbort = () => controller.abort(abortReason(signal as AbortSignal));
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#open.add(controller);
    return {
      signal: controller.signal,
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
    for (const controller of this.#open) controller.abort(reason);
    this.#open.clear();
  }
}
