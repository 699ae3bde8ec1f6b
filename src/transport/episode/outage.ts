// Owns whether an episode's origin is up or down: when the outage began, the promise its
// waiters wait on, closing, and who is told when the state changes (the log, the callback).
import type { Clock } from "../../time/clock.js";
import { type Deferred, deferred } from "../../time/deferred.js";
import type { EpisodeLog } from "./episode-log.js";
import type { Prober } from "./prober.js";

/** `up`: requests go straight out. `down`: they wait for a probe to see the server answer. */
export type OutageState = "up" | "down";

export interface OutageOptions {
  clock: Clock;
  prober: Prober;
  log: EpisodeLog;
  onStateChange:
    | ((state: OutageState, info: { probes: number; downForMs: number }) => void)
    | undefined;
}

/** Whether one origin is up, as an episode shows and changes it. */
export interface Outage {
  readonly state: OutageState;
  /** When the current outage began (epoch ms), while down. */
  readonly downSince: number | undefined;
  /** While down (and not closed): settles when the server is back. */
  readonly recovered: Promise<void> | undefined;
  /** A request met an outage: go down and start probing (ignored while down or closed). */
  down(): void;
  /** The server answered: up, every waiter woken. */
  up(): void;
  /** Up for good: no more probes, waiters released. */
  close(): void;
}

export function createOutage({ clock, prober, log, onStateChange }: OutageOptions): Outage {
  let state: OutageState = "up";
  let recovery: Deferred<void> | undefined;
  let downSince = 0;
  let closed = false;

  const setState = (next: OutageState) => {
    state = next;
    const downForMs = clock.now() - downSince;
    if (next === "down") log.down(downSince, prober.probes);
    else if (!closed) log.back(downForMs, prober.probes);
    onStateChange?.(next, { probes: prober.probes, downForMs });
  };

  const up = () => {
    prober.stop();
    if (state !== "down") return;
    setState("up");
    recovery?.resolve();
    recovery = undefined;
  };

  return {
    get state() {
      return state;
    },
    get downSince() {
      return state === "down" ? downSince : undefined;
    },
    get recovered() {
      return state === "down" && recovery && !closed ? recovery.promise : undefined;
    },
    down() {
      if (closed || state === "down") return;
      downSince = clock.now();
      recovery = deferred();
      prober.start(downSince);
      setState("down");
      prober.probeSoon();
    },
    up,
    close() {
      closed = true;
      up();
    },
  };
}
