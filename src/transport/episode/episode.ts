import { redactUrl } from "../../errors/redact.js";
import { abortReason, type Clock, sleep, systemClock, timeoutSignal } from "../../time/clock.js";
import { type Deferred, deferred } from "../../time/deferred.js";
import { raceSignal } from "../../time/signals.js";
import type { FetchFunction } from "../http/fetch-function.js";
import { isOnOrigin } from "../http/origin.js";
import { type Logger, log } from "../logger.js";
import type { RetryOptions } from "../policy/retry-options.js";
import { isServerAnswer } from "../policy/statuses.js";
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

/** `up`: requests go straight out. `down`: they wait for a probe to see the server answer. */
export type OutageState = "up" | "down";

/**
 * What the calls and streams talking to one server learn together about it. Once
 * one of them sees the server down (a network failure, 502/503/504), the others
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
  const random = options.random ?? options.retry?.random ?? Math.random;
  const interval = options.probeIntervalMs ?? 1_000;
  const probeTimeout = options.probeTimeoutMs ?? 5_000;
  const firstMax = options.firstProbeMaxDelayMs ?? options.retry?.minDelayMs ?? 250;
  const healthcheckPath = options.healthcheckPath ?? DEFAULT_HEALTHCHECK_PATH;
  const inner: FetchFunction = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let probeUrl = options.probeUrl === undefined ? undefined : new URL(String(options.probeUrl));
  let origin = probeUrl?.origin;

  let state: OutageState = "up";
  let recovery: Deferred<void> | undefined;
  let downSince = 0;
  let probes = 0;
  let waiters = 0;
  let nextProbeAt: number | undefined;
  let cancelProbe: (() => void) | undefined;
  let probing = false;
  let closed = false;
  let heldUntil = 0;
  const rateGates = createRateGates(clock);
  let lastUpAt = Number.NEGATIVE_INFINITY;
  let flaps = 0;
  // Counted per logger, so two users handing in the same `console` get each line once.
  const loggers = new Map<Logger, number>();
  if (options.logger) loggers.set(options.logger, 1);
  let probesAtDown = 0;
  const tell = (event: Parameters<typeof log>[1]) => {
    for (const logger of loggers.keys()) log(logger, event);
  };

  // A server that fails again right after a probe said "up" (a health check that
  // passes while the API does not) must not get every waiter back at probe speed:
  // each such flap doubles the first probe's delay, up to 8 intervals.
  const firstProbeDelay = () => {
    if (flaps === 0) return Math.floor(random() * firstMax);
    const step = Math.min(firstMax * 2 ** flaps, interval * 8);
    return Math.floor(step / 2 + (random() * step) / 2);
  };

  const setState = (next: OutageState) => {
    if (state === next) return;
    state = next;
    const downForMs = clock.now() - downSince;
    if (next === "down") {
      probesAtDown = probes;
      tell({
        kind: "down",
        origin: origin ?? "the server",
        since: downSince,
        probeUrl: probeUrl && redactUrl(probeUrl),
        everyMs: interval,
      });
    } else if (!closed)
      tell({
        kind: "back",
        origin: origin ?? "the server",
        downForMs,
        probes: probes - probesAtDown,
      });
    options.onStateChange?.(next, { probes, downForMs });
  };

  const markUp = () => {
    cancelProbe?.();
    cancelProbe = undefined;
    nextProbeAt = undefined;
    if (state === "down") {
      lastUpAt = clock.now();
      setState("up");
      recovery?.resolve();
      recovery = undefined;
    }
  };

  const schedule = (delay: number) => {
    if (closed || cancelProbe || probing || state !== "down") return;
    nextProbeAt = clock.now() + delay;
    cancelProbe = clock.setTimer(() => {
      cancelProbe = undefined;
      // Nobody waiting: stop; the next waiter starts the probing again.
      if (waiters === 0) nextProbeAt = undefined;
      else void probe();
    }, delay);
  };

  const probe = async () => {
    if (!probeUrl) return;
    probing = true;
    probes++;
    const started = clock.now();
    const timeout = timeoutSignal(probeTimeout, { clock });
    let answered = false;
    let outcome = "got no answer";
    try {
      const response = await raceSignal(
        inner(probeUrl.toString(), {
          method: "GET",
          redirect: "manual",
          headers: { accept: "application/json" },
          signal: timeout.signal,
        }),
        timeout.signal,
      );
      response.body?.cancel().catch(() => {});
      // Anything but an edge's outage answer means the server itself is answering.
      answered = isServerAnswer(response.status);
      outcome = `answered HTTP ${response.status}`;
    } catch (error) {
      answered = false;
      outcome = `got no answer (${error instanceof Error ? error.name : "error"})`;
    } finally {
      timeout.dispose();
      probing = false;
    }
    if (state !== "down" || closed) return;
    tell({ kind: "probe", origin: origin ?? "the server", probe: probes - probesAtDown, outcome });
    if (answered) markUp();
    else schedule(Math.max(0, started + interval - clock.now()));
  };

  const episode: EpisodeControl = {
    get state() {
      return state;
    },
    get probes() {
      return probes;
    },
    get origin() {
      return origin;
    },
    get downSince() {
      return state === "down" ? downSince : undefined;
    },
    get nextProbeAt() {
      return nextProbeAt;
    },
    get rateLimitedUntil() {
      return Math.max(heldUntil, rateGates.latestUntil);
    },
    get heldUntil() {
      return heldUntil;
    },
    rateGates,
    addLogger(logger) {
      loggers.set(logger, (loggers.get(logger) ?? 0) + 1);
      let removed = false;
      return () => {
        if (removed) return;
        removed = true;
        const left = (loggers.get(logger) ?? 1) - 1;
        if (left > 0) loggers.set(logger, left);
        else loggers.delete(logger);
      };
    },
    covers(url) {
      return origin === undefined || isOnOrigin(url, origin);
    },
    reportDown(url) {
      const target = new URL(String(url));
      if (origin === undefined) origin = target.origin;
      else if (target.origin !== origin) return;
      probeUrl ??= new URL(healthcheckPath, origin);
      if (closed || state === "down") return;
      downSince = clock.now();
      flaps = downSince - lastUpAt < interval * 2 ? flaps + 1 : 0;
      recovery = deferred();
      setState("down");
      schedule(firstProbeDelay());
    },
    reportUp() {
      markUp();
    },
    holdUntil(until) {
      heldUntil = Math.max(heldUntil, until);
    },
    async waitForRecovery(signal) {
      for (;;) {
        if (signal?.aborted) throw abortReason(signal);
        if (state === "down" && recovery && !closed) {
          waiters++;
          if (!cancelProbe && !probing) schedule(firstProbeDelay());
          try {
            await (signal ? raceSignal(recovery.promise, signal) : recovery.promise);
          } finally {
            waiters--;
          }
          continue;
        }
        const gate = heldUntil - clock.now();
        if (gate <= 0) return;
        await sleep(gate, { clock, signal });
      }
    },
    close() {
      closed = true;
      markUp();
      rateGates.close();
    },
  };
  controls.add(episode);
  return episode;
}
