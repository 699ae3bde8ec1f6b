import type { PlanWatchEnd, PlanWatchEvent } from "./events.js";

/**
 * A running subscription to a plan's progress stream. Iterate it with `for await`;
 * it ends after the `complete` event, and throws when the watch fails or the
 * caller's signal aborts (with the signal's reason).
 *
 * @example
 * const watch = watchPlan(sseUrl, { signal });
 * for await (const event of watch) {
 *   if (event.type === "status") console.log(event.state, event.progress_percentage);
 * }
 * const end = await watch.closed; // { reason: "complete", event }
 */
export interface PlanWatch<E = PlanWatchEvent> extends AsyncIterable<E> {
  /** The id of the last event handed to you that carried one (resume with `watchPlan(url, { lastEventId })`); `undefined` while the server sends no ids. */
  readonly lastEventId: string | undefined;
  /** Why the watch ended; resolves once it has, never rejects. */
  readonly closed: Promise<PlanWatchEnd>;
  /** Stops watching and closes the connection; `closed` resolves with `{ reason: "aborted" }`. */
  close(): void;
}

/** The producer side of a {@link PlanWatch}. */
export interface PlanWatchSink<E = PlanWatchEvent> {
  /** Queues an event; `lastEventId` is the stream's last event id once this event was received. */
  push(event: E, lastEventId: string | undefined): void;
  end(end: PlanWatchEnd): void;
}

/**
 * The queue between the connection loop and the consumer. The loop never waits for
 * the consumer (so `closed` settles even when nobody iterates); past `maxQueued`
 * events the oldest is dropped (statuses are full snapshots, and `complete` is
 * always last) and `onOverflow` is called. Everything one read of the stream
 * produced is queued at once and handed out without waiting (a resolved promise
 * per event, no wake-up per event).
 */
export function createPlanWatch<E = PlanWatchEvent>(options: {
  lastEventId: string | undefined;
  maxQueued: number;
  onCancel: () => void;
  onOverflow: () => void;
}): { watch: PlanWatch<E>; sink: PlanWatchSink<E> } {
  const queue = new EventQueue<E>(options.lastEventId, options.maxQueued, options.onOverflow);
  const ending = new WatchEnding();
  const waiting = new WaitingConsumer(queue, ending);
  const sink: PlanWatchSink<E> = {
    push(event, id) {
      if (ending.ended) return;
      queue.add(event, id);
      waiting.settle();
    },
    end(end) {
      if (ending.end(end)) waiting.settle();
    },
  };
  const next = (): Promise<IteratorResult<E>> => {
    if (queue.hasEvents()) return Promise.resolve(queue.take());
    const answer = ending.answer();
    if (answer) return "error" in answer ? Promise.reject(answer.error) : Promise.resolve(answer);
    return new Promise<IteratorResult<E>>(waiting.park);
  };
  return { watch: watchOver(queue, ending, next, options.onCancel), sink };
}

/** The events not handed out yet, oldest first, and the id of the last one that was. */
class EventQueue<E> {
  /** The id the last event taken carried (or the one the watch resumed from). */
  lastEventId: string | undefined;
  // Two parallel arrays read from `head`: no wrapper object and no shift() per event.
  private events: (E | undefined)[] = [];
  private ids: (string | undefined)[] = [];
  private head = 0;
  private readonly maxQueued: number;
  private readonly onOverflow: () => void;

  constructor(lastEventId: string | undefined, maxQueued: number, onOverflow: () => void) {
    this.lastEventId = lastEventId;
    this.maxQueued = maxQueued;
    this.onOverflow = onOverflow;
  }

  hasEvents(): boolean {
    return this.head < this.events.length;
  }

  /** Queues `event`; with `maxQueued` waiting already, the oldest is dropped first. */
  add(event: E, id: string | undefined): void {
    if (this.events.length - this.head >= this.maxQueued) {
      this.events[this.head] = undefined;
      this.head++;
      this.onOverflow();
    }
    this.events.push(event);
    this.ids.push(id);
  }

  /** The oldest event, as the iterator hands it out; only when {@link hasEvents}. */
  take(): IteratorResult<E> {
    const event = this.events[this.head] as E;
    this.lastEventId = this.ids[this.head];
    this.events[this.head] = undefined;
    this.head++;
    if (this.head === this.events.length) this.clear();
    return { value: event, done: false };
  }

  clear(): void {
    this.events = [];
    this.ids = [];
    this.head = 0;
  }
}

/** How the watch ended, once it has: what `closed` resolves with, and the iterator's last answer. */
class WatchEnding {
  ended: PlanWatchEnd | undefined;
  readonly closed: Promise<PlanWatchEnd>;
  private resolveClosed!: (end: PlanWatchEnd) => void;
  private thrown = false;

  constructor() {
    this.closed = new Promise<PlanWatchEnd>((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  /** Records the end and settles `closed`; false when the watch had ended already. */
  end(end: PlanWatchEnd): boolean {
    if (this.ended) return false;
    this.ended = end;
    this.resolveClosed(end);
    return true;
  }

  /** The iterator's answer once the watch ended: its error once, then done; `undefined` before. */
  answer(): { error: unknown } | IteratorReturnResult<undefined> | undefined {
    const end = this.ended;
    if (!end) return undefined;
    if (!this.thrown && "error" in end && end.error !== undefined) {
      this.thrown = true;
      return { error: end.error };
    }
    return { value: undefined, done: true };
  }

  /** The consumer left: whatever the end, the iterator only says done from now on. */
  silence(): void {
    this.thrown = true;
  }
}

/**
 * A consumer waiting in next(): handed the next event (or the end) directly, no extra
 * promise. Its two functions are kept as they are: no object or closure per wait.
 */
class WaitingConsumer<E> {
  private resolve: ((r: IteratorResult<E>) => void) | undefined;
  private reject: (e: unknown) => void = () => {};
  private readonly queue: EventQueue<E>;
  private readonly ending: WatchEnding;

  constructor(queue: EventQueue<E>, ending: WatchEnding) {
    this.queue = queue;
    this.ending = ending;
  }

  /** The executor of every promise next() waits on (one function for all waits). */
  readonly park = (resolve: (r: IteratorResult<E>) => void, reject: (e: unknown) => void) => {
    this.resolve = resolve;
    this.reject = reject;
  };

  /** Hands a waiting consumer the next event, or the end once nothing is left. */
  settle(): void {
    const resolve = this.resolve;
    if (!resolve) return;
    if (this.queue.hasEvents()) {
      this.resolve = undefined;
      resolve(this.queue.take());
      return;
    }
    const answer = this.ending.answer();
    if (!answer) return;
    this.resolve = undefined;
    if ("error" in answer) this.reject(answer.error);
    else resolve(answer);
  }
}

/** The consumer's side: iterated once; `return()` (a `break`) cancels the watch. */
function watchOver<E>(
  queue: EventQueue<E>,
  ending: WatchEnding,
  next: () => Promise<IteratorResult<E>>,
  onCancel: () => void,
): PlanWatch<E> {
  let iterating = false;
  return {
    get lastEventId() {
      return queue.lastEventId;
    },
    closed: ending.closed,
    close: () => onCancel(),
    [Symbol.asyncIterator]() {
      if (iterating) {
        throw new TypeError(
          "A PlanWatch can be iterated only once; call watchPlan() again for a second consumer.",
        );
      }
      iterating = true;
      return {
        next,
        async return() {
          onCancel();
          queue.clear();
          ending.silence();
          return { value: undefined, done: true };
        },
      };
    },
  };
}
