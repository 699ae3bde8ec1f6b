import type { Clock } from "../time/clock.js";

/** A {@link Clock} that only moves when a test moves it. */
export interface ManualClock extends Clock {
  /** How many timers are scheduled. */
  readonly pendingTimers: number;
  /** Moves time forward by `ms`, firing every timer that falls due, in order, letting in-process I/O settle between them. */
  advance(ms: number): Promise<void>;
  /**
   * Runs virtual time until `promise` settles: settles in-process I/O, then jumps
   * to the next timer, again and again. A 120 s deploy window takes milliseconds.
   * Rejects when `maxMs` of virtual time pass first.
   */
  runUntil<T>(promise: Promise<T>, options?: { maxMs?: number }): Promise<T>;
  /** Lets pending in-process work (promises, msw handlers, stream chunks) run without moving time. */
  settle(): Promise<void>;
}

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Options of {@link createManualClock}. */
export interface ManualClockOptions {
  /** The initial `now()`, ms since the epoch. @default Date.parse("2026-01-01T00:00:00Z") */
  start?: number;
  /** Event-loop turns given to in-process I/O before time moves. @default 25 */
  settleTurns?: number;
}

const turn: () => Promise<void> =
  typeof setImmediate === "function"
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A virtual clock for tests: inject it as `clock` into the PlanExe double, the
 * deploy windows and the client, then drive it with `advance` or `runUntil`.
 *
 * @example
 * const clock = createManualClock();
 * const result = await clock.runUntil(client.getStatus(planId));
 */
export function createManualClock(options: ManualClockOptions = {}): ManualClock {
  let now = options.start ?? Date.parse("2026-01-01T00:00:00Z");
  const settle = settler(options.settleTurns ?? 25);
  const timers = createTimerQueue();

  /** Fires the earliest timer due by `until`, time jumping to it; false when none is due. */
  const fireDue = (until: number): boolean => {
    const next = timers.takeDue(until);
    if (!next) return false;
    now = Math.max(now, next.at);
    next.fn();
    return true;
  };

  const clock: ManualClock = {
    now: () => now,
    setTimer: (fn, ms) => timers.add(now + Math.max(0, ms), fn),
    get pendingTimers() {
      return timers.size;
    },
    settle,
    async advance(ms) {
      const until = now + ms;
      await settle();
      while (fireDue(until)) await settle();
      now = Math.max(now, until);
      await settle();
    },
    runUntil: (promise, runOptions = {}) => runClockUntil(clock, fireDue, promise, runOptions),
  };
  return clock;
}

/** `settle`: event-loop turns for in-process I/O, one real timer tick, then the turns again. */
function settler(settleTurns: number): () => Promise<void> {
  return async () => {
    for (let i = 0; i < settleTurns; i++) await turn();
    if (settleTurns === 0) return;
    // Work on libuv's thread pool (WebCrypto digests, zlib, fs) finishes on no
    // particular turn: one real timer tick lets it land before virtual time moves.
    await new Promise((resolve) => setTimeout(resolve, 1));
    for (let i = 0; i < settleTurns; i++) await turn();
  };
}

/** The scheduled timers; the earliest is due first, and of two at one time the one set first. */
function createTimerQueue() {
  let seq = 0;
  const timers: Timer[] = [];
  return {
    get size() {
      return timers.length;
    },
    /** Schedules `fn` at `at`; the returned function cancels it. */
    add(at: number, fn: () => void): () => void {
      const timer: Timer = { at, seq: seq++, fn };
      timers.push(timer);
      return () => {
        const index = timers.indexOf(timer);
        if (index >= 0) timers.splice(index, 1);
      };
    },
    /** Takes the earliest timer off the queue if it is due by `until`. */
    takeDue(until: number): Timer | undefined {
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = timers[0];
      if (!next || next.at > until) return undefined;
      timers.shift();
      return next;
    },
  };
}

/** `runUntil`: settle, fire the next timer, again, until `promise` settles or time runs out. */
async function runClockUntil<T>(
  clock: ManualClock,
  fireDue: (until: number) => boolean,
  promise: Promise<T>,
  runOptions: { maxMs?: number },
): Promise<T> {
  const maxMs = runOptions.maxMs ?? 3_600_000;
  const limit = clock.now() + maxMs;
  let settled = false;
  const observed = promise.then(
    (value) => {
      settled = true;
      return value;
    },
    (error: unknown) => {
      settled = true;
      throw error;
    },
  );
  observed.catch(() => {});
  await clock.settle();
  while (!settled) {
    if (!fireDue(limit)) {
      if (clock.pendingTimers === 0) {
        // Nothing scheduled: only real I/O can still settle the promise.
        for (let i = 0; i < 200 && !settled; i++) await new Promise((r) => setTimeout(r, 5));
        if (!settled)
          throw new Error("runUntil: the promise is still pending and no timer is scheduled");
        break;
      }
      throw new Error(`runUntil: still pending after ${maxMs} ms of virtual time`);
    }
    await clock.settle();
  }
  return observed;
}
