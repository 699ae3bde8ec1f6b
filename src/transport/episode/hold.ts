// Owns when a request may go out to an episode's origin: after the outage's recovery (the
// request counts as one of the prober's waiters meanwhile), then after the server's
// `Retry-After` hold; again when the server went down while it waited.
import { abortReason, type Clock, sleep } from "../../time/clock.js";
import { raceSignal } from "../../time/signals.js";
import type { Outage } from "./outage.js";
import type { Prober } from "./prober.js";

/** What every request to one origin waits on before it goes out. */
export interface Hold {
  /** Until when every request is held by {@link extend} (epoch ms). */
  readonly until: number;
  /** Hold every request until `until` (epoch ms), unless held longer already. */
  extend(until: number): void;
  /** Resolves once the origin is up and not held; rejects with `signal.reason` on abort. */
  waitForRecovery(signal?: AbortSignal): Promise<void>;
}

export function createHold(outage: Outage, prober: Prober, clock: Clock): Hold {
  let heldUntil = 0;
  return {
    get until() {
      return heldUntil;
    },
    extend(until) {
      heldUntil = Math.max(heldUntil, until);
    },
    async waitForRecovery(signal) {
      for (;;) {
        if (signal?.aborted) throw abortReason(signal);
        const recovered = outage.recovered;
        if (recovered) {
          prober.join();
          try {
            await (signal ? raceSignal(recovered, signal) : recovered);
          } finally {
            prober.leave();
          }
          continue;
        }
        const gate = heldUntil - clock.now();
        if (gate <= 0) return;
        await sleep(gate, { clock, signal });
      }
    },
  };
}
