import type { Clock } from "../transport/clock.js";
import type { FetchFunction } from "../transport/fetch-function.js";
import type { Logger } from "../transport/logger.js";
import type { RetryOptions } from "../transport/policy.js";

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
  /** Where time and timers come from (tests pass a manual clock). @default systemClock */
  clock?: Clock | undefined;
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
