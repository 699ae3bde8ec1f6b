import { type Clock, systemClock } from "../../time/clock.js";
import type { FetchFunction } from "../http/fetch-function.js";
import type { Logger } from "../logger.js";
import type { RetryOptions } from "../policy/retry-options.js";
import { createEpisodeLog, type EpisodeLog } from "./episode-log.js";
import { createHold, type Hold } from "./hold.js";
import { createOutage, type Outage, type OutageState } from "./outage.js";
import { createProbeTarget, type ProbeTarget } from "./probe-target.js";
import { createProber, type Prober } from "./prober.js";
import { createRateGates, type RateGates } from "./rate-gates.js";

/** Options of {@link createOutageEpisode}. */
export interface OutageEpisodeOptions {
  /** The fetch the probe goes through (not the resilient one). @default globalThis.fetch, looked up at each probe */
  fetch?: FetchFunction;
  /** What to probe. @default `healthcheckPath` on the origin of the first request seen failing */
  probeUrl?: string | URL;
  /** The probe's path when `probeUrl` is not given. @default "/healthcheck" */
  healthcheckPath?: string;
  /** Time between two probes while the server is down, in ms. @default 1_000 */
  probeIntervalMs?: number;
  /** A probe without an answer after this long counts as "still down", in ms. @default 5_000 */
  probeTimeoutMs?: number;
  /** The first probe comes after a random delay in `[0, firstProbeMaxDelayMs]` (jitter: clients do not probe in step). @default retry.minDelayMs ?? 250 */
  firstProbeMaxDelayMs?: number;
  /** Where time and timers come from. @default systemClock */
  clock?: Clock;
  /** Random source in `[0, 1)`. @default retry.random ?? Math.random */
  random?: () => number;
  /** The retry policy whose random source and first step the episode shares. */
  retry?: RetryOptions;
  /**
   * Gets one `info` line when the episode goes down (since when, which origin) and one
   * when it is back (after how long), and a `debug` line per probe. Each user of a
   * process-wide episode adds its own logger while it holds the episode; a logger
   * given twice gets each line once. @default none
   */
  logger?: Logger;
  /** Told when the episode goes down or back up. */
  onStateChange?: (state: OutageState, info: { probes: number; downForMs: number }) => void;
}

/** What an episode probes when given no `probeUrl`, on the origin it speaks for. */
export const DEFAULT_HEALTHCHECK_PATH = "/healthcheck";

export type { OutageState } from "./outage.js";

/**
 * What the calls and streams talking to one server learn together about it. Once
 * one of them sees the server down (no answer or a 502/504), the others
 * stop retrying one by one: they wait while a single jittered probe
 * (`GET /healthcheck`) runs every `probeIntervalMs`; when it answers, all resume
 * together. A 429 opens a shared gate instead (no probe): nobody sends before the
 * server's delay has passed. By default every `PlanExeClient`, `createResilientFetch()`
 * and `watchPlan` of a process that talks to one origin shares one episode.
 * What users see of it is read-only; only the SDK's own loops report to it.
 */
export interface OutageEpisode {
  /** `down` while an outage is being probed. */
  readonly state: OutageState;
  /** Probes sent so far (over the episode's whole life). */
  readonly probes: number;
  /** The origin this episode speaks for, once known. */
  readonly origin: string | undefined;
  /** When the current outage began (epoch ms), while down. */
  readonly downSince: number | undefined;
  /** When the next probe is due (epoch ms), while down. */
  readonly nextProbeAt: number | undefined;
  /**
   * When requests may be sent again (epoch ms): after a server's `Retry-After`, or
   * after a 429 (the latest of any API key's: a 429 holds only the calls made with its key).
   */
  readonly rateLimitedUntil: number;
  /** Whether requests to `url` share this episode (same origin). */
  covers(url: string | URL): boolean;
  /** Resolves at once while up and not held by a `Retry-After`; else when the server is back. Rejects with `signal.reason` on abort. */
  waitForRecovery(signal?: AbortSignal): Promise<void>;
  /** Stops probing; waiters are released. */
  close(): void;
}

/** What the SDK's own loops tell an episode (internal: users only read it). */
export interface EpisodeControl extends OutageEpisode {
  /** A request to `url` met an outage: go down and start probing. Ignored for other origins. */
  reportDown(url: string | URL): void;
  /** A request got an answer: the server is up (wakes every waiter). */
  reportUp(): void;
  /** Hold every request until `until` (epoch ms): the server's `Retry-After` on an outage answer. */
  holdUntil(until: number): void;
  /** Until when every request is held by {@link holdUntil} (epoch ms). */
  readonly heldUntil: number;
  /** The 429 gates of this origin, one per API key. */
  readonly rateGates: RateGates;
  /** Adds a logger for the episode's lines until the returned function is called. */
  addLogger(logger: Logger): () => void;
}

const controls = new WeakSet<object>();

/** The SDK-internal side of an episode made by {@link createOutageEpisode}. */
export function controlOf(episode: OutageEpisode): EpisodeControl {
  if (!controls.has(episode))
    throw new TypeError(
      "episode must come from createOutageEpisode() (or pass `episode: false` for none)",
    );
  return episode as EpisodeControl;
}

/**
 * Creates the {@link OutageEpisode} a client's calls and streams share. Pass the
 * same one to `createResilientFetch({ episode })` and to the progress subscriber.
 *
 * @example
 * const episode = createOutageEpisode({ probeUrl: "https://mcp.planexe.org/healthcheck" });
 * const fetch = createResilientFetch({ episode });
 */
export function createOutageEpisode(options: OutageEpisodeOptions = {}): OutageEpisode {
  return createEpisodeControl(options);
}

/** {@link createOutageEpisode}, with the side the SDK's loops report to. */
export function createEpisodeControl(options: OutageEpisodeOptions = {}): EpisodeControl {
  const clock = options.clock ?? systemClock;
  const intervalMs = options.probeIntervalMs ?? 1_000;
  const healthcheckPath = options.healthcheckPath ?? DEFAULT_HEALTHCHECK_PATH;
  const target = createProbeTarget(options.probeUrl, healthcheckPath);
  const log = createEpisodeLog(target, intervalMs, options.logger);
  const prober = createProber({
    clock,
    random: options.random ?? options.retry?.random ?? Math.random,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    target,
    intervalMs,
    timeoutMs: options.probeTimeoutMs ?? 5_000,
    firstMaxDelayMs: options.firstProbeMaxDelayMs ?? options.retry?.minDelayMs ?? 250,
    onProbe: (probes, outcome) => log.probe(probes, outcome),
    onAnswer: () => outage.up(),
  });
  const outage = createOutage({ clock, prober, log, onStateChange: options.onStateChange });
  const hold = createHold(outage, prober, clock);
  const episode = facade({ target, log, prober, outage, hold, rateGates: createRateGates(clock) });
  controls.add(episode);
  return episode;
}

/** The one object an episode's users read and the SDK's loops report to, over its parts. */
function facade(parts: {
  target: ProbeTarget;
  log: EpisodeLog;
  prober: Prober;
  outage: Outage;
  hold: Hold;
  rateGates: RateGates;
}): EpisodeControl {
  const { target, prober, outage, hold, rateGates } = parts;
  return {
    get state() {
      return outage.state;
    },
    get probes() {
      return prober.probes;
    },
    get origin() {
      return target.origin;
    },
    get downSince() {
      return outage.downSince;
    },
    get nextProbeAt() {
      return prober.nextProbeAt;
    },
    get rateLimitedUntil() {
      return Math.max(hold.until, rateGates.latestUntil);
    },
    get heldUntil() {
      return hold.until;
    },
    rateGates,
    addLogger: (logger) => parts.log.add(logger),
    covers: (url) => target.covers(url),
    reportDown(url) {
      if (target.claim(url)) outage.down();
    },
    reportUp: () => outage.up(),
    holdUntil: (until) => hold.extend(until),
    waitForRecovery: (signal) => hold.waitForRecovery(signal),
    close() {
      outage.close();
      rateGates.close();
    },
  };
}
