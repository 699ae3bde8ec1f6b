import { type Clock, systemClock } from "../time/clock.js";
import { DEFAULT_HEALTHCHECK_PATH, type OutageEpisode } from "./episode/episode.js";
import type { FetchFunction } from "./http/fetch-function.js";
import type { Logger } from "./logger.js";
import {
  overrideRetryOptions,
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
} from "./policy/retry-options.js";

/** Marks a configuration made by {@link resolveConfig}: nothing else can build one. */
declare const resolvedConfig: unique symbol;

/**
 * The options of one entry point (`new PlanExeClient`, `createResilientFetch`,
 * `watchPlan`) that every layer below it reads: resolved once, where the caller hands
 * them in, and never again (as ky's private `#options`). Only {@link resolveConfig}
 * makes one.
 */
export interface ResolvedConfig {
  readonly [resolvedConfig]: true;
  /** Where time and timers come from: the caller's `clock`, else the system's. */
  readonly clock: Clock;
  readonly retry: ResolvedRetryOptions;
  /** The caller's fetch; `undefined` is `globalThis.fetch`, looked up at each request (so msw sees every attempt). */
  readonly fetch: FetchFunction | undefined;
  /** The caller's episode, `false` for none, or `undefined` for the shared one of each origin (see `leaseOriginEpisode`). */
  readonly episode: OutageEpisode | false | undefined;
  /** What an origin's shared episode probes, when this caller leases it. */
  readonly probe: ProbeConfig;
  /** Where this caller's lines go (retries, and the outage episodes it shares); none by default. */
  readonly logger: Logger | undefined;
}

/** Where a shared episode probes: `url` on its own origin, else `path` resolved against the origin. */
interface ProbeConfig {
  readonly url: URL | undefined;
  readonly path: string;
  readonly intervalMs: number | undefined;
}

/** The options {@link resolveConfig} reads; each entry point's options extend them. */
export interface ConfigOptions {
  fetch?: FetchFunction | undefined;
  retry?: RetryOptions | undefined;
  clock?: Clock | undefined;
  episode?: OutageEpisode | false | undefined;
  probeUrl?: string | URL | undefined;
  healthcheckPath?: string | undefined;
  probeIntervalMs?: number | undefined;
  logger?: Logger | undefined;
}

/** Resolves a caller's options, once: defaults filled in, nonsense rejected with a `TypeError`. */
export function resolveConfig(options: ConfigOptions): ResolvedConfig {
  return {
    clock: options.clock ?? systemClock,
    retry: resolveRetryOptions(options.retry),
    fetch: options.fetch,
    episode: options.episode,
    probe: {
      url: options.probeUrl === undefined ? undefined : new URL(String(options.probeUrl)),
      path: options.healthcheckPath ?? DEFAULT_HEALTHCHECK_PATH,
      intervalMs: options.probeIntervalMs,
    },
    logger: options.logger,
  } as ResolvedConfig;
}

/** `config` with a caller's own `retry` on top (a client's watch over its client's policy); `config` when none. */
export function withRetry(
  config: ResolvedConfig,
  overrides: RetryOptions | undefined,
): ResolvedConfig {
  const retry = overrideRetryOptions(config.retry, overrides);
  return retry === config.retry ? config : { ...config, retry };
}

/** The fetch requests go through: the caller's, else the global one looked up at each call. */
export function fetchOf(config: ResolvedConfig): FetchFunction {
  return config.fetch ?? ((input, init) => globalThis.fetch(input, init));
}
