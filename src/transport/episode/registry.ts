import { systemClock } from "../../time/clock.js";
import type { ResolvedConfig } from "../config.js";
import { controlOf, createEpisodeControl, type EpisodeControl } from "./episode.js";

/** One user's hold on a shared episode; `release()` once, when that user is done. */
export interface EpisodeLease {
  readonly episode: EpisodeControl;
  release(): void;
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
 * The one place an origin's shared outage episode is leased: every `PlanExeClient`,
 * `createResilientFetch()` and `watchPlan` of a process that talks to one origin
 * (through the same fetch and clock, probing the same URL) waits on one probe. The
 * probe URL is `config`'s `probeUrl` when it is on `origin`, else its
 * `healthcheckPath` on `origin`; the URL and the probe interval are part of who
 * shares, so the same origin gets the same probe whatever was built first. The
 * episode is closed and forgotten when its last user releases it. Two users with
 * different fetches or clocks (a test's double, a proxy agent) never share one.
 */
export function leaseOriginEpisode(origin: string, config: ResolvedConfig): EpisodeLease {
  const { probe, retry } = config;
  const probeUrl = probe.url?.origin === origin ? probe.url : new URL(probe.path, origin);
  const clock = config.clock === systemClock ? undefined : config.clock;
  const id = `${identity(clock)} ${identity(config.fetch)} ${probe.intervalMs ?? ""} ${probeUrl.href}`;
  const logger = config.logger;
  let entry = entries.get(id);
  if (!entry) {
    const episode = createEpisodeControl({
      ...(config.fetch && { fetch: config.fetch }),
      clock: config.clock,
      random: retry.random,
      firstProbeMaxDelayMs: retry.minDelayMs,
      probeUrl,
      ...(probe.intervalMs !== undefined && { probeIntervalMs: probe.intervalMs }),
    });
    entry = { episode, users: 0 };
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

/**
 * The episode a user of `origin` shares, as its configuration says: none with
 * `episode: false`, the one it was given (its owner closes it), or the origin's
 * leased one (released when the user is done).
 */
export function episodeFor(origin: string, config: ResolvedConfig): EpisodeLease | undefined {
  if (config.episode === false) return undefined;
  if (config.episode) return { episode: controlOf(config.episode), release() {} };
  return leaseOriginEpisode(origin, config);
}
