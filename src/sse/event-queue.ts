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
  // Two parallel arrays read from `head`: no wrapper object and no shift() per event.
  let events: (E | undefined)[] = [];
  let ids: (string | undefined)[] = [];
  let head = 0;
  let lastEventId = options.lastEventId;
  let ended: PlanWatchEnd | undefined;
  let thrown = false;
  let iterating = false;
  // A consumer waiting in next(): handed the next event (or the end) directly, no extra
  // promise. Its two functions are kept as they are: no object or closure per wait.
  let waitResolve: ((r: IteratorResult<E>) => void) | undefined;
  let waitReject: (e: unknown) => void = () => {};
  const wait = (resolve: (r: IteratorResult<E>) => void, reject: (e: unknown) => void) => {
    waitResolve = resolve;
    waitReject = reject;
  };
  let resolveClosed!: (end: PlanWatchEnd) => void;
  const closed = new Promise<PlanWatchEnd>((resolve) => {
    resolveClosed = resolve;
  });
  const clear = () => {
    events = [];
    ids = [];
    head = 0;
  };
  const shift = (): IteratorResult<E> => {
    const event = events[head] as E;
    lastEventId = ids[head];
    events[head] = undefined;
    head++;
    if (head === events.length) clear();
    return { value: event, done: false };
  };
  /** The iterator's answer once the watch ended: its error once, then done. */
  const final = (end: PlanWatchEnd): { error: unknown } | IteratorResult<E> => {
    if (!thrown && "error" in end && end.error !== undefined) {
      thrown = true;
      return { error: end.error };
    }
    return { value: undefined, done: true };
  };
  const settle = () => {
    const resolve = waitResolve;
    if (!resolve) return;
    if (head < events.length) {
      waitResolve = undefined;
      resolve(shift());
    } else if (ended) {
      waitResolve = undefined;
      const answer = final(ended);
      if ("error" in answer) waitReject(answer.error);
      else resolve(answer);
    }
  };

  const sink: PlanWatchSink<E> = {
    push(event, id) {
      if (ended) return;
      if (events.length - head >= options.maxQueued) {
        events[head] = undefined;
        head++;
        options.onOverflow();
      }
      events.push(event);
      ids.push(id);
      settle();
    },
    end(end) {
      if (ended) return;
      ended = end;
      resolveClosed(end);
      settle();
    },
  };

  const next = (): Promise<IteratorResult<E>> => {
    if (head < events.length) return Promise.resolve(shift());
    if (ended) {
      const answer = final(ended);
      return "error" in answer ? Promise.reject(answer.error) : Promise.resolve(answer);
    }
    return new Promise<IteratorResult<E>>(wait);
  };

  const watch: PlanWatch<E> = {
    get lastEventId() {
      return lastEventId;
    },
    closed,
    close: () => options.onCancel(),
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
          options.onCancel();
          clear();
          thrown = true;
          return { value: undefined, done: true };
        },
      };
    },
  };
  return { watch, sink };
}
