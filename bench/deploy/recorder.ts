/** What one watcher (one user's script following one plan) saw, counted the same way for every client. */
export interface WatcherRecord {
  planId: string;
  /** `complete` events (or terminal polls) handed to user code. */
  completes: number;
  /** The final state the user was told, if any. */
  finalState: string | undefined;
  /** Snapshots (state + progress) handed to user code that it had already been handed. */
  duplicates: number;
  /** Snapshots handed to user code. */
  delivered: number;
  /** Errors surfaced to user code: a rejected call, an `error` event, a watch that ended in error. */
  failedCalls: number;
  /** Connection attempts after the first one (by the library, or by the user's loop after a failure). */
  reconnects: number;
  /** Wall-clock times (ms) at which the watcher heard from the server: a stream opened, an event or a poll answer arrived. */
  contacts: number[];
  /** How the watcher ended: `complete`, `gave-up` (the client stopped for good) or `running` (cut off by the bench's timeout). */
  outcome: "complete" | "gave-up" | "running";
}

/** Keeps one watcher's counts; the client adapters call it. */
export class WatcherRecorder {
  readonly record: WatcherRecord;
  readonly #seen = new Set<string>();

  constructor(planId: string) {
    this.record = {
      planId,
      completes: 0,
      finalState: undefined,
      duplicates: 0,
      delivered: 0,
      failedCalls: 0,
      reconnects: 0,
      contacts: [],
      outcome: "running",
    };
  }

  contact(): void {
    this.record.contacts.push(Date.now());
  }

  snapshot(state: string, progress: number): void {
    this.contact();
    const key = `${state}|${progress}`;
    this.record.delivered += 1;
    if (this.#seen.has(key)) this.record.duplicates += 1;
    else this.#seen.add(key);
  }

  complete(state: string): void {
    this.contact();
    this.record.completes += 1;
    // Every complete after the first is a duplicate a user script would act on again.
    if (this.record.completes > 1) this.record.duplicates += 1;
    this.record.finalState = state;
    this.record.outcome = "complete";
  }

  failed(): void {
    this.record.failedCalls += 1;
  }

  reconnect(): void {
    this.record.reconnects += 1;
  }

  gaveUp(): void {
    if (this.record.outcome === "running") this.record.outcome = "gave-up";
  }
}
