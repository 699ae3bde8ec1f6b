import { Replica, type ReplicaApp } from "./replica.js";

/**
 * The replicas behind the edge. Models Railway: one replica normally; none during a
 * restart window (the edge answers 502); two during a rolling deploy, taking
 * requests in turn. Replicas share nothing but the world the factory closes over.
 */
export class ReplicaPool {
  readonly #createApp: () => ReplicaApp;
  #nextId = 1;
  #serving: Replica[] = [];
  #turn = 0;
  readonly #all: Replica[] = [];

  constructor(createApp: () => ReplicaApp) {
    this.#createApp = createApp;
    this.#serving = [this.spawn()];
  }

  /** Replicas taking traffic now (empty while a restart window is open). */
  get serving(): readonly Replica[] {
    return this.#serving;
  }

  /** Every replica ever started, oldest first. */
  get all(): readonly Replica[] {
    return this.#all;
  }

  /** The replica for the next request, in turn; `undefined` when none is up. */
  pick(): Replica | undefined {
    if (this.#serving.length === 0) return undefined;
    const replica = this.#serving[this.#turn % this.#serving.length];
    this.#turn++;
    return replica;
  }

  spawn(): Replica {
    const replica = new Replica(this.#nextId++, this.#createApp());
    this.#all.push(replica);
    return replica;
  }

  /** Restart window opens: every replica is killed, nothing serves. */
  stopAll(): void {
    const old = this.#serving;
    this.#serving = [];
    for (const replica of old) replica.stop();
  }

  /** Restart window closes: a fresh replica serves alone. */
  startFresh(): Replica {
    const replica = this.spawn();
    this.#serving = [replica];
    return replica;
  }

  /** Rolling deploy begins: a new replica joins; the old ones drain (or drop) their streams. */
  beginRolling(drain: boolean): { incoming: Replica; outgoing: Replica[] } {
    const outgoing = this.#serving;
    const incoming = this.spawn();
    // The new replica takes the first request: the edge sends new traffic to it once healthy.
    this.#serving = [incoming, ...outgoing];
    this.#turn = 0;
    for (const replica of outgoing) {
      if (drain) replica.drain();
      else replica.cutStreams();
    }
    return { incoming, outgoing };
  }

  /** Rolling deploy ends: the old replicas stop; only `incoming` serves. */
  endRolling(incoming: Replica): void {
    const outgoing = this.#serving.filter((replica) => replica !== incoming);
    this.#serving = incoming.stopped ? [] : [incoming];
    for (const replica of outgoing) replica.stop();
  }

  /** Stops every replica (the double is closing). */
  closeAll(): void {
    this.#serving = [];
    for (const replica of this.#all) replica.stop();
  }
}
