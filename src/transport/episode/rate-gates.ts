import { type Clock, sleep } from "../../time/clock.js";
import { type Deferred, deferred } from "../../time/deferred.js";
import { raceSignal } from "../../time/signals.js";

/**
 * The 429 gates of one origin, one per rate-limit identity (an API key, or the
 * process's address: see `rateLimitIdentity`). After a 429, the calls made with that
 * key wait until the gate's time; then one of them goes (the probe: the call itself,
 * sent again) while the others wait for its answer. Any answer but a 429 opens the
 * gate for all; another 429 holds it again. So a process sends about one request
 * per key per wait while it is limited, however many calls are waiting, and calls
 * made with another key are never held.
 */
export interface RateGates {
  /** Whether any key is held now or being probed (the cheap check before {@link pass}). */
  readonly active: boolean;
  /** The latest time any key is held until (epoch ms; 0 when none). */
  readonly latestUntil: number;
  /** When calls made with `who` may go again (epoch ms; 0 when not held). */
  until(who: string): number;
  /**
   * Resolves when a call made with `who` may be sent: at once when that key is not
   * limited, else when its wait is over and it is this call's turn to probe. The
   * function it resolves with must be called once the attempt has settled (after
   * {@link limit} or {@link open}, when the attempt got either).
   */
  pass(who: string, signal: AbortSignal): Promise<() => void>;
  /** A call made with `who` got a 429: hold that key's calls until `until`. */
  limit(who: string, until: number): void;
  /** A call made with `who` got an answer other than a 429: its calls go again. */
  open(who: string): void;
  /** Releases every waiter. */
  close(): void;
}

interface Gate {
  until: number;
  probing: boolean;
  /** Resolved when the probe settles or the gate opens. */
  changed: Deferred<void> | undefined;
}

const NOTHING = () => {};

export function createRateGates(clock: Clock): RateGates {
  const gates = new Map<string, Gate>();
  const wake = (gate: Gate) => {
    gate.changed?.resolve();
    gate.changed = undefined;
  };
  return {
    get active() {
      return gates.size > 0;
    },
    get latestUntil() {
      let latest = 0;
      for (const gate of gates.values()) latest = Math.max(latest, gate.until);
      return latest;
    },
    until(who) {
      return gates.get(who)?.until ?? 0;
    },
    async pass(who, signal) {
      for (;;) {
        const gate = gates.get(who);
        if (!gate) return NOTHING;
        const wait = gate.until - clock.now();
        if (wait > 0) {
          await sleep(wait, { clock, signal });
          continue;
        }
        if (!gate.probing) {
          gate.probing = true;
          let settled = false;
          return () => {
            if (settled) return;
            settled = true;
            gate.probing = false;
            wake(gate);
          };
        }
        gate.changed ??= deferred();
        await raceSignal(gate.changed.promise, signal);
      }
    },
    limit(who, until) {
      const gate = gates.get(who);
      if (gate) gate.until = Math.max(gate.until, until);
      else gates.set(who, { until, probing: false, changed: undefined });
    },
    open(who) {
      const gate = gates.get(who);
      if (!gate) return;
      gates.delete(who);
      wake(gate);
    },
    close() {
      for (const gate of gates.values()) wake(gate);
      gates.clear();
    },
  };
}
