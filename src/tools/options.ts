import type { Clock } from "../time/clock.js";
import type { OutageEpisode } from "../transport/episode/episode.js";
import type { FetchFunction } from "../transport/http/fetch-function.js";
import type { Logger } from "../transport/logger.js";
import type { RetryOptions } from "../transport/policy/retry-options.js";
import type { RetryInfo } from "../transport/retry-loop.js";

/** Options of `new PlanExeClient(options)`. */
export interface PlanExeClientOptions {
  /** The server, without `/mcp`: `https://mcp.planexe.org` or `http://localhost:8001`. */
  baseUrl: string | URL;
  /** A PlanExe key (`pex_…`), sent as `X-API-Key`. The free tools work without one. @default undefined */
  apiKey?: string | undefined;
  /** The `fetch` every request goes through (after the retry policy). @default globalThis.fetch */
  fetch?: FetchFunction | undefined;
  /** The retry policy: backoff, deadlines, rate-limit waits. @default DEFAULT_RETRY */
  retry?: RetryOptions | undefined;
  /** Where retries, outages and recoveries are reported. @default no logging */
  logger?: Logger | undefined;
  /** Told before each wait of a call's retry (its attempt, delay, status, code); every field is safe to log. @default undefined */
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Where time and timers come from (tests pass a manual clock). Given here only: `retry` takes no clock. @default systemClock */
  clock?: Clock | undefined;
  /**
   * The outage episode the client's calls and watches wait on while the server is
   * down. By default the process-wide one of `baseUrl`'s origin, shared with every
   * `PlanExeClient`, `createResilientFetch()` and `watchPlan` that talks to it through
   * the same `fetch` and clock and probes the same URL; pass one from
   * `createOutageEpisode()` to choose, or `false` for none (each call then backs off
   * on its own; `client.episode` is `undefined`).
   * @default the process-wide episode of the origin
   */
  episode?: OutageEpisode | false | undefined;
  /**
   * What the shared episode probes while the server is down, resolved against
   * `baseUrl` (`"/healthcheck"` is the origin's root). Clients that probe different
   * URLs do not share an episode.
   * @default "healthcheck" (under `baseUrl`)
   */
  healthcheckPath?: string | undefined;
  /** The shared episode's time between probes, in ms. Clients with different intervals do not share an episode. @default 1_000 */
  probeIntervalMs?: number | undefined;
  /** Aborting it closes the client: every pending call rejects with its reason. @default undefined */
  signal?: AbortSignal | undefined;
  /** The largest JSON answer read, in bytes; a larger one fails with `TransportError` `RESPONSE_TOO_LARGE` without being read past the cap. @default 16_777_216 (16 MiB) */
  maxResponseBytes?: number | undefined;
  /** The name and version sent in MCP `initialize`. @default { name: "planexe-client", version: VERSION } */
  clientInfo?: { name: string; version: string } | undefined;
}

/** Options every tool method takes. */
export interface CallOptions {
  /** Aborting it rejects the call at once with `signal.reason` and stops its retries. @default undefined */
  signal?: AbortSignal | undefined;
}
