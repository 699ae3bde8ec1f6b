import type { Clock } from "./clock.js";
import { createEpisodeControl, type EpisodeControl, type OutageEpisodeOptions } from "./episode.js";
import type { FetchFunction } from "./fetch-function.js";

/** One user's hold on a shared episode; `release()` once, when that user is done. */
export interface EpisodeLease {
  readonly episode: EpisodeControl;
  release(): void;
}

/** Who shares an episode: one origin, reached through one fetch, timed by one clock. */
export interface EpisodeKey {
  origin: string;
  /** The fetch the requests go through; `undefined` is the global one. */
  fetch: FetchFunction | undefined;
  /** `undefined` is the system clock. */
  clock: Clock | undefined;
}

interface Entry {
  episode: EpisodeControl;
  users: number;
}

const entries = new Map<string, Entry>();
const identities = new WeakMap<object, number>();
let nextIdentity = 1;

function identity(value: object | undefined): number {
  if (value === undefined) return 0;
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return id;
}

/**
 * The process-wide outage episode for `key`, created with `options` by its first
 * user: every `PlanExeClient`, `createResilientFetch()` and `watchPlan` of a process
 * that talks to one origin (through the same fetch and clock) waits on one probe.
 * The episode is closed and forgotten when its last user releases it. Two users with
 * different fetches or clocks (a test's double, a proxy agent) never share one.
 */
export function leaseEpisode(key: EpisodeKey, options: OutageEpisodeOptions): EpisodeLease {
  const id = `${identity(key.clock)} ${identity(key.fetch)} ${key.origin}`;
  const { logger, ...shared } = options;
  let entry = entries.get(id);
  if (!entry) {
    entry = { episode: createEpisodeControl(shared), users: 0 };
    entries.set(id, entry);
  }
  entry.users++;
  const held = entry;
  // Each user's logger hears the episode while that user holds it, whoever built it first.
  const removeLogger = logger ? held.episode.addLogger(logger) : undefined;
  let released = false;
  return {
    episode: held.episode,
    release() {
      if (released) return;
      released = true;
      removeLogger?.();
      held.users--;
      if (held.users > 0 || entries.get(id) !== held) return;
      entries.delete(id);
      held.episode.close();
    },
  };
}

/** How many shared episodes are held now (for tests of the release path). */
export function sharedEpisodeCount(): number {
  return entries.size;
}
