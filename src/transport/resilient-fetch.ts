import { rememberSecret } from "../errors/redact.js";
import type { Clock } from "../time/clock.js";
import { allowManyListeners, anySignal } from "../time/signals.js";
import { type ConfigOptions, fetchOf, type ResolvedConfig, resolveConfig } from "./config.js";
import { controlOf, type EpisodeControl, type OutageEpisode } from "./episode/episode.js";
import { type EpisodeLease, leaseOriginEpisode } from "./episode/registry.js";
import { BufferedResponse } from "./http/buffered-response.js";
import type { FetchFunction } from "./http/fetch-function.js";
import { isOnOrigin } from "./http/origin.js";
import { releaseOnEnd } from "./http/release-on-end.js";
import { type ReplayableRequest, toReplayable } from "./http/request.js";
import type { Logger } from "./logger.js";
import { createSessionKeeper, type Send } from "./mcp/session.js";
import { createToolAnnotationsRegistry } from "./mcp/tool-annotations.js";
import { isJsonType } from "./policy/classify.js";
import type { ResendableHook } from "./policy/resend.js";
import type { RetryOptions } from "./policy/retry-options.js";
import { type RetryInfo, sendWithRetry } from "./retry-loop.js";

/** Options of {@link createResilientFetch}. */
export interface ResilientFetchOptions {
  /** The fetch that does the I/O. @default globalThis.fetch, looked up at each request (so msw and other interceptors see every attempt) */
  fetch?: FetchFunction;
  /** The retry policy: backoff, attempt timeout, overall deadline, 429 handling. @default DEFAULT_RETRY */
  retry?: RetryOptions;
  /** Where time and timers come from (tests pass a manual clock). @default systemClock */
  clock?: Clock;
  /** Aborts every request made through this fetch (e.g. on client close), with its reason. */
  signal?: AbortSignal;
  /** Told before each wait; every field is safe to log. */
  onRetry?: (info: RetryInfo) => void;
  /** Gets one redacted line per retry, and the outage episode's down / probe / back lines (see `Logger`). @default none */
  logger?: Logger;
  /** More strings to show as `***` in errors and logs (the request's `X-API-Key` and `Authorization` always are). @default [] */
  secrets?: readonly (string | undefined)[];
  /**
   * The outage episode its requests wait on while the server is down. By default
   * every `createResilientFetch()`, `PlanExeClient` and `watchPlan` of the process
   * that talks to the same origin (through the same `fetch` and clock) shares one;
   * pass one from `createOutageEpisode()` to choose, or `false` for none (each call
   * then backs off on its own).
   * @default the process-wide episode of each request's origin
   */
  episode?: OutageEpisode | false;
  /** What the default episode probes. @default `healthcheckPath` on the first failing origin */
  probeUrl?: string | URL;
  /** The default episode's probe path. @default "/healthcheck" */
  healthcheckPath?: string;
  /** The default episode's time between probes, in ms. @default 1_000 */
  probeIntervalMs?: number;
  /**
   * Whether a request that may already have reached the server may be sent again
   * (return `undefined` for the default: idempotent HTTP methods, JSON-RPC methods
   * other than `tools/call`, and `tools/call` of tools whose `tools/list` annotations
   * say `readOnlyHint` or `idempotentHint`). A request that never left (connection
   * refused, DNS) is always sent again.
   * @default undefined
   */
  resendable?: ResendableHook;
  /** Follow a redirect to another origin, with `X-API-Key`, `Authorization` and cookies removed, instead of failing with `CROSS_ORIGIN_REDIRECT`. @default false */
  followCrossOriginRedirects?: boolean;
  /** Most redirects followed for one request. @default 5 */
  maxRedirects?: number;
  /**
   * Fields added to every attempt's `RequestInit`, e.g. a tuned undici `dispatcher`
   * in Node (`{ dispatcher: new Agent({ connect: { timeout: 5_000 } }) }`). The
   * caller's own init wins over these; `headers`, `body`, `method`, `signal` and `redirect` are not taken from here.
   * @default {}
   */
  requestInit?: Record<string, unknown>;
  /** Re-initialize a lost MCP session once and replay the request. @default true */
  sessionRecovery?: boolean;
  /**
   * Most bytes of one JSON answer (the transport reads JSON answers whole, so a
   * stall can be retried); a larger one fails with a `TransportError`
   * `RESPONSE_TOO_LARGE` as soon as the limit is crossed, without reading on.
   * Event streams and downloads are not counted.
   * @default 16_777_216 (16 MiB)
   */
  maxResponseBytes?: number;
}

/** Default {@link ResilientFetchOptions.maxResponseBytes}: 16 MiB. */
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** A `fetch` with the SDK's retry policy; pass it to the MCP SDK's `StreamableHTTPClientTransport`. */
export interface ResilientFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** The outage episode its requests share: the given one, or the shared one of the first origin it talked to (or of `probeUrl`). */
  readonly episode: OutageEpisode | undefined;
}

/**
 * A `fetch` that survives server deploys: network errors, 502/503/504, stalled
 * responses and 429s are retried under one policy (full-jitter backoff,
 * `Retry-After`, a per-attempt timeout, an overall deadline covering a 120 s
 * window); while the server is down, all requests wait on one shared probe and
 * resume together; redirects are followed within the origin only, so the API key
 * never reaches another host; a lost MCP session is re-initialized once. Answers
 * that are not transient (2xx, 400/401/403/404, JSON-RPC errors) are returned as
 * is; when the policy gives up it throws a `TransportError` with no secret in it.
 * The caller's signal ends any wait at once, rejecting with `signal.reason`.
 *
 * @example
 * // The split v2 client; the 1.x `@modelcontextprotocol/sdk` Client takes the same fetch.
 * import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
 * const transport = new StreamableHTTPClientTransport(new URL("https://mcp.planexe.org/mcp"), {
 *   fetch: createResilientFetch(),
 *   requestInit: { headers: { "X-API-Key": apiKey } },
 * });
 * await new Client({ name: "me", version: "1.0.0" }).connect(transport);
 */
export function createResilientFetch(options: ResilientFetchOptions = {}): ResilientFetch {
  return resilientFetchFrom(resolveConfig(options), options);
}

/**
 * {@link createResilientFetch} on a configuration resolved already (a `PlanExeClient`'s):
 * `config` gives time, the policy, the fetch and the episode; `options` the rest.
 */
export function resilientFetchFrom(
  config: ResolvedConfig,
  options: Omit<ResilientFetchOptions, keyof ConfigOptions>,
): ResilientFetch {
  // Checked before an episode is leased: a constructor that throws must hold nothing.
  const maxResponseBytes = checkedMaxResponseBytes(options.maxResponseBytes);
  const episodeFor = episodeResolver(config);
  const send = sendThroughPolicy(config, { ...options, maxResponseBytes }, episodeFor.forUrl);
  const handle = options.sessionRecovery === false ? send : createSessionKeeper(send);
  const resilientFetch = fetchThrough(handle, options);
  Object.defineProperty(resilientFetch, "episode", { get: episodeFor.first, enumerable: true });
  if (episodeFor.leases) leaseReleaser.register(resilientFetch, episodeFor.leases);
  return resilientFetch as ResilientFetch;
}

/** `maxResponseBytes` as given, or the 16 MiB default; anything but a positive number is a `TypeError`. */
function checkedMaxResponseBytes(given: number | undefined): number {
  const bytes = given ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!(bytes > 0))
    throw new TypeError(
      `maxResponseBytes must be a positive number of bytes (got ${String(given)}); leave it out for the 16 MiB default`,
    );
  return bytes;
}

/** One request through the retry policy, with this fetch's limits, secrets and tool annotations. */
function sendThroughPolicy(
  config: ResolvedConfig,
  options: Omit<ResilientFetchOptions, keyof ConfigOptions> & { maxResponseBytes: number },
  episodeFor: (url: string) => EpisodeControl | undefined,
): Send {
  const inner = fetchOf(config);
  const { clock, retry } = config;
  const annotations = createToolAnnotationsRegistry();
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === "string");
  // Errors the SDK builds anywhere in the process are redacted of them too.
  for (const secret of secrets) rememberSecret(secret);
  return (request) =>
    sendWithRetry(request, {
      inner,
      retry,
      clock,
      episodeFor,
      annotations,
      resendable: options.resendable,
      secrets,
      maxRedirects: options.maxRedirects ?? 5,
      maxResponseBytes: options.maxResponseBytes,
      followCrossOriginRedirects: options.followCrossOriginRedirects ?? false,
      onRetry: options.onRetry,
      logger: config.logger,
    });
}

/** The fetch itself: each request buffered once, given the fetch's `requestInit`, and tied to its `signal`. */
function fetchThrough(
  handle: Send,
  options: Pick<ResilientFetchOptions, "requestInit" | "signal">,
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  const widened = new WeakSet<AbortSignal>();
  return async (input, init) => {
    const parsed = await toReplayable(input, init);
    if (parsed.signal && !widened.has(parsed.signal)) {
      // A signal many requests bring at once (the MCP SDK's transport-wide one) gets one
      // listener per request in flight, each gone when its request settles: no Node warning past 10.
      allowManyListeners(parsed.signal);
      widened.add(parsed.signal);
    }
    const request = options.requestInit
      ? { ...parsed, extra: { ...options.requestInit, ...parsed.extra } }
      : parsed;
    if (!options.signal) return handle(request);
    return sendTied(handle, request, options.signal);
  };
}

/** `request` sent with `signal` linked to its own; the link lasts as long as a streamed body does. */
async function sendTied(
  handle: Send,
  request: ReplayableRequest,
  signal: AbortSignal,
): Promise<Response> {
  const linked = anySignal([request.signal, signal]);
  try {
    const response = await handle({ ...request, signal: linked.signal });
    // A streamed body stays tied to the client's signal until it ends; anything else is done with it.
    // Read whole already (a JSON answer, a redacted error body), or nothing to read.
    if (
      response instanceof BufferedResponse ||
      isJsonType(response.headers.get("content-type")) ||
      !response.body
    ) {
      linked.dispose();
      return response;
    }
    return releaseOnEnd(response, linked.signal, linked.dispose);
  } catch (error) {
    linked.dispose();
    throw error;
  }
}

/** The process-wide episodes a fetch leased are released when the fetch is collected. */
const leaseReleaser = new FinalizationRegistry<Map<string, EpisodeLease>>((leases) => {
  for (const lease of leases.values()) lease.release();
});

/** How a fetch finds the episode of a request: none, the caller's, or the process-wide one of its origin. */
function episodeResolver(config: ResolvedConfig): {
  forUrl(url: string): EpisodeControl | undefined;
  first(): OutageEpisode | undefined;
  leases?: Map<string, EpisodeLease>;
} {
  if (config.episode === false) return { forUrl: () => undefined, first: () => undefined };
  if (config.episode) {
    const given = controlOf(config.episode);
    return { forUrl: (url) => (given.covers(url) ? given : undefined), first: () => given };
  }
  const leases = new Map<string, EpisodeLease>();
  const lease = (origin: string) => {
    let held = leases.get(origin);
    if (!held) {
      held = leaseOriginEpisode(origin, config);
      leases.set(origin, held);
    }
    return held.episode;
  };
  if (config.probe.url) lease(config.probe.url.origin);
  return {
    forUrl: (url) => {
      for (const [origin, held] of leases) if (isOnOrigin(url, origin)) return held.episode;
      return lease(new URL(url).origin);
    },
    first: () => leases.values().next().value?.episode,
    leases,
  };
}
