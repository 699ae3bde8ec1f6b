// Owns the probing of an episode's outages: when the next health probe goes (the first one
// jittered, and later after a flap), sending it, how many went, and whether anyone still
// waits for one. It tells its episode each probe's outcome and when the server answered.
import { type Clock, timeoutSignal } from "../../time/clock.js";
import { raceSignal } from "../../time/signals.js";
import type { FetchFunction } from "../http/fetch-function.js";
import { isServerAnswer } from "../policy/statuses.js";
import type { ProbeTarget } from "./probe-target.js";

/** What {@link createProber} needs, every default already applied by the episode. */
export interface ProberOptions {
  clock: Clock;
  random: () => number;
  /** The fetch the probe goes through. */
  fetch: FetchFunction;
  /** What to probe (known by the time an outage starts). */
  target: ProbeTarget;
  /** Time between two probes, in ms. */
  intervalMs: number;
  /** A probe without an answer after this long counts as "still down", in ms. */
  timeoutMs: number;
  /** The first probe of an outage comes after a random delay in `[0, firstMaxDelayMs]`. */
  firstMaxDelayMs: number;
  /** Told after each probe while the outage lasts: probes sent so far (this one included) and what it got. */
  onProbe(probes: number, outcome: string): void;
  /** A probe saw the server itself answer. */
  onAnswer(): void;
}

/** The probing of one episode's outages, one at a time. */
export interface Prober {
  /** Probes sent over the prober's whole life. */
  readonly probes: number;
  /** When the next probe is due (epoch ms), while one is scheduled. */
  readonly nextProbeAt: number | undefined;
  /** An outage began at `since`: probe until {@link stop}. */
  start(since: number): void;
  /** Schedules the outage's first probe after its jittered delay, unless one is due or under way. */
  probeSoon(): void;
  /** A request waits for the server: probing starts again if it stopped for want of waiters. */
  join(): void;
  /** A request stopped waiting (each {@link join} is followed by one `leave`). */
  leave(): void;
  /** The outage is over: no more probes until the next {@link start}. */
  stop(): void;
}

export function createProber(options: ProberOptions): Prober {
  const { clock, intervalMs } = options;
  const firstDelay = createFirstProbeDelay(options);
  const timer = createProbeTimer(clock, () => void probe());
  let on = false;
  let probes = 0;
  let probing = false;

  const schedule = (delay: number) => {
    if (on && !timer.pending && !probing) timer.set(delay);
  };
  const probeSoon = () => schedule(firstDelay.next());

  const probe = async () => {
    const url = options.target.probeUrl;
    if (!url) return;
    probing = true;
    probes++;
    const started = clock.now();
    const { answered, outcome } = await askHealthcheck(url, options);
    probing = false;
    if (!on) return;
    options.onProbe(probes, outcome);
    if (answered) options.onAnswer();
    else schedule(Math.max(0, started + intervalMs - clock.now()));
  };

  return {
    get probes() {
      return probes;
    },
    get nextProbeAt() {
      return timer.dueAt;
    },
    start(since) {
      on = true;
      firstDelay.down(since);
    },
    probeSoon,
    join() {
      timer.join();
      if (!timer.pending && !probing) probeSoon();
    },
    leave: () => timer.leave(),
    stop() {
      timer.clear();
      if (on) firstDelay.up(clock.now());
      on = false;
    },
  };
}

/**
 * The timer of the next probe, and how many requests wait for one: a timer that fires
 * with nobody waiting stops the probing; the next waiter starts it again.
 */
function createProbeTimer(clock: Clock, fire: () => void) {
  let cancel: (() => void) | undefined;
  let dueAt: number | undefined;
  let waiters = 0;
  return {
    get dueAt() {
      return dueAt;
    },
    get pending() {
      return cancel !== undefined;
    },
    join() {
      waiters++;
    },
    leave() {
      waiters--;
    },
    set(delay: number) {
      dueAt = clock.now() + delay;
      cancel = clock.setTimer(() => {
        cancel = undefined;
        if (waiters === 0) dueAt = undefined;
        else fire();
      }, delay);
    },
    clear() {
      cancel?.();
      cancel = undefined;
      dueAt = undefined;
    },
  };
}

/**
 * The delay before an outage's first probe: jittered in `[0, firstMaxDelayMs]`. A server
 * that fails again right after a probe said "up" (a health check that passes while the
 * API does not) must not get every waiter back at probe speed: each such flap doubles
 * the first probe's delay, up to 8 intervals.
 */
function createFirstProbeDelay(options: ProberOptions) {
  const { random, intervalMs, firstMaxDelayMs } = options;
  let lastUpAt = Number.NEGATIVE_INFINITY;
  let flaps = 0;
  return {
    /** The server went down at `at`: a flap when it was up for less than two intervals. */
    down(at: number) {
      flaps = at - lastUpAt < intervalMs * 2 ? flaps + 1 : 0;
    },
    /** The server was seen up again at `at`. */
    up(at: number) {
      lastUpAt = at;
    },
    next() {
      if (flaps === 0) return Math.floor(random() * firstMaxDelayMs);
      const step = Math.min(firstMaxDelayMs * 2 ** flaps, intervalMs * 8);
      return Math.floor(step / 2 + (random() * step) / 2);
    },
  };
}

/** One health probe of `url`: whether the server itself answered within the timeout, and what it got. */
async function askHealthcheck(
  url: URL,
  { fetch, timeoutMs, clock }: ProberOptions,
): Promise<{ answered: boolean; outcome: string }> {
  const timeout = timeoutSignal(timeoutMs, { clock });
  try {
    const response = await raceSignal(
      fetch(url.toString(), {
        method: "GET",
        redirect: "manual",
        headers: { accept: "application/json" },
        signal: timeout.signal,
      }),
      timeout.signal,
    );
    response.body?.cancel().catch(() => {});
    // Anything but an edge's outage answer means the server itself is answering.
    return {
      answered: isServerAnswer(response.status),
      outcome: `answered HTTP ${response.status}`,
    };
  } catch (error) {
    return {
      answered: false,
      outcome: `got no answer (${error instanceof Error ? error.name : "error"})`,
    };
  } finally {
    timeout.dispose();
  }
}
