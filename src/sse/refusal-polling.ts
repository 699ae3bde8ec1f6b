import { isTerminalState, type PlanState } from "../protocol/index.js";
import { type Clock, sleep } from "../time/clock.js";
import { anySignal } from "../time/signals.js";
import type { StatusLike } from "./poll-plan.js";

/** Polling `plan_status` beside a stream the server refuses for now. */
export interface RefusalPolling {
  /** Whether it is polling now. */
  readonly running: boolean;
  /** Starts polling (no-op while running or once the plan was seen terminal). */
  start(): void;
  /** Stops polling (the stream was accepted). */
  stop(): void;
}

/**
 * While the progress stream is refused (PlanExe's connection limit: 5 streams per
 * client address, reported as a 200 with an empty body or a 429), a watcher that has
 * a client asks `plan_status` instead, every `intervalMs` — a pace well within
 * PlanExe's 60 calls a minute, kept across stops and starts (a stream accepted and
 * refused again does not make it ask sooner). Each answer goes to `onStatus`, a
 * terminal one to `onTerminal` (once; polling then stops for good). A failing
 * `plan_status` (already retried by the client's policy) stops the polling: the
 * stream goes on trying.
 */
export function createRefusalPolling<S extends StatusLike>(options: {
  getStatus(signal: AbortSignal): Promise<S>;
  intervalMs: number;
  clock: Clock;
  /** Ends the polling for good (the watch ended). */
  signal: AbortSignal;
  onStatus(status: S): void;
  onTerminal(status: S): void;
}): RefusalPolling {
  const { clock, intervalMs } = options;
  let current: AbortController | undefined;
  let lastAskedAt = Number.NEGATIVE_INFINITY;
  let finished = false;

  const poll = async (signal: AbortSignal) => {
    for (;;) {
      const wait = lastAskedAt + intervalMs - clock.now();
      if (wait > 0) await sleep(wait, { clock, signal });
      lastAskedAt = clock.now();
      const status = await options.getStatus(signal);
      if (signal.aborted) return;
      if (isTerminalState(status.state as PlanState)) {
        finished = true;
        options.onTerminal(status);
        return;
      }
      options.onStatus(status);
    }
  };

  return {
    get running() {
      return current !== undefined;
    },
    start() {
      if (current || finished || options.signal.aborted) return;
      const controller = new AbortController();
      current = controller;
      const linked = anySignal([options.signal, controller.signal]);
      poll(linked.signal)
        .catch(() => {})
        .finally(() => {
          linked.dispose();
          if (current === controller) current = undefined;
        });
    },
    stop() {
      current?.abort();
      current = undefined;
    },
  };
}
