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

interface Queued<E> {
  event: E;
  lastEventId: string | undefined;
}

/**
 * The queue between the connection loop and the consumer. The loop never waits for
 * the consumer (so `closed` settles even when nobody iterates); past `maxQueued`
 * events the oldest is dropped (statuses are full snapshots, and `complete` is
 * always last) and `onOverflow` is called.
 */
export function createPlanWatch<E = PlanWatchEvent>(options: {
  lastEventId: string | undefined;
  maxQueued: number;
  onCancel: () => void;
  onOverflow: () => void;
}): { watch: PlanWatch<E>; sink: PlanWatchSink<E> } {
  const items: Queued<E>[] = [];
  let lastEventId = options.lastEventId;
  let ended: PlanWatchEnd | undefined;
  let thrown = false;
  let iterating = false;
  let wake: (() => void) | undefined;
  let resolveClosed!: (end: PlanWatchEnd) => void;
  const closed = new Promise<PlanWatchEnd>((resolve) => {
    resolveClosed = resolve;
  });

  const sink: PlanWatchSink<E> = {
    push(event, id) {
      if (ended) return;
      if (items.length >= options.maxQueued) {
        items.shift();
        options.onOverflow();
      }
      items.push({ event, lastEventId: id });
      wake?.();
    },
    end(end) {
      if (ended) return;
      ended = end;
      resolveClosed(end);
      wake?.();
    },
  };

  const next = async (): Promise<IteratorResult<E>> => {
    for (;;) {
      const item = items.shift();
      if (item) {
        lastEventId = item.lastEventId;
        return { value: item.event, done: false };
      }
      if (ended) {
        if (!thrown && "error" in ended && ended.error !== undefined) {
          thrown = true;
          throw ended.error;
        }
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
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
          items.length = 0;
          thrown = true;
          return { value: undefined, done: true };
        },
      };
    },
  };
  return { watch, sink };
}
