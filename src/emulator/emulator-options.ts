import { DOUBLE_API_KEY } from "../fake/auth.js";
import type { RateLimitOptions } from "../fake/rate-limit.js";
import { PROGRESS_STREAM_DEFAULTS as STREAM } from "../server/options.js";
import type { Clock } from "../time/clock.js";
import type { ChildConfig } from "./child-protocol.js";

/** Options of `startEmulator()`. Every time is an option, so tests run in seconds. */
export interface EmulatorOptions {
  /** The edge's port; 0 picks a free one. @default 8001 */
  port?: number;
  /** The edge's address. @default "127.0.0.1" */
  host?: string;
  /** Replica processes behind the edge. @default 2 */
  replicas?: number;
  /** How long a plan takes from `processing` to `completed`. @default 60 */
  planSeconds?: number;
  /**
   * The API keys the emulator knows (PlanExe's users' keys), sent as `Authorization`,
   * `X-API-Key` or any form PlanExe accepts.
   * @default [DOUBLE_API_KEY]
   */
  apiKeys?: readonly string[];
  /**
   * Require a key, as PlanExe does by default. `false` is PlanExe with auth off: no
   * key needed, a key that is sent must still be one of `apiKeys`.
   * @default true
   */
  auth?: boolean;
  /** PlanExe's 60 requests / 60 s sliding-window limit (`true`), these numbers, or none (`false`). @default true */
  rateLimit?: boolean | RateLimitOptions;
  /**
   * The origins whose browser pages may call the emulator (PlanExe's
   * `PLANEXE_MCP_CORS_ORIGINS`); `"*"` allows any. The edge's own 502 page carries no
   * CORS headers, whatever this says (Railway's edge knows nothing of them).
   * @default PlanExe's: with auth on `["https://mcp.planexe.org", "https://home.planexe.org"]`, with auth off `["*"]`
   */
  corsOrigins?: readonly string[];
  /**
   * Serve what this project proposes for PlanExe's progress stream instead of what it
   * sends today: event ids and `Last-Event-ID` resume, a real HTTP 429 over the stream
   * connection limit, and a deploy's SIGTERM ending streams with a short `retry:`
   * (`drainRetryMs`) instead of cutting them.
   * @default false (PlanExe as deployed)
   */
  proposal?: boolean;
  /**
   * Report and zip bytes are missing, as while PlanExe's `worker_plan` is down:
   * `plan_file_info` answers `content_unavailable`, downloads 404.
   * @default false
   */
  contentUnavailable?: boolean;
  /** Progress stream: heartbeat after this much silence. @default 20000 */
  heartbeatMs?: number;
  /** Progress stream: the `retry:` hint. @default 5000 */
  retryMs?: number;
  /** Progress stream, with `proposal`: the `retry:` hint a draining replica ends its streams with. @default 250 */
  drainRetryMs?: number;
  /** Progress stream: how often a replica reads the plan. @default 3000 */
  pollIntervalMs?: number;
  /** Open progress streams per client address (per replica). @default 5 */
  maxStreamsPerClient?: number;
  /** Open progress streams per replica. @default 200 */
  maxStreams?: number;
  /** Plans the worker runs at the same time. @default 4 */
  workerConcurrency?: number;
  /** How often the worker looks for pending plans. @default 250 */
  workerPollMs?: number;
  /** SIGTERM → SIGKILL for replicas (deploys, `stop()`) and the worker. @default 10000 */
  graceMs?: number;
  /** The edge health-checks each replica on `/healthcheck` this often. @default 1000 */
  healthIntervalMs?: number;
  /** Where the state file lives. Given: kept after `stop()` (plans survive emulator runs). @default a fresh temporary directory, removed by `stop()` */
  stateDir?: string;
  /** Told each line a child process writes to stderr, prefixed with its id. @default dropped */
  onLog?: (line: string) => void;
  /** Where time comes from (deploy windows, grace periods, health checks). @default systemClock */
  clock?: Clock;
}

const NUMBERS = [
  "port",
  "planSeconds",
  "heartbeatMs",
  "retryMs",
  "drainRetryMs",
  "pollIntervalMs",
  "maxStreamsPerClient",
  "maxStreams",
  "workerConcurrency",
  "workerPollMs",
  "graceMs",
  "healthIntervalMs",
] as const;

/** Throws a `TypeError` that says how to fix a bad option. */
export function checkEmulatorOptions(options: EmulatorOptions): void {
  for (const name of NUMBERS) {
    const value = options[name];
    if (value === undefined) continue;
    const positive = name === "planSeconds" || name === "healthIntervalMs";
    if (
      typeof value !== "number" ||
      !Number.isFinite(value) ||
      value < 0 ||
      (positive && value === 0)
    ) {
      throw new TypeError(
        `startEmulator: \`${name}\` must be a finite number ${positive ? "> 0" : ">= 0"}, got ${String(value)}.`,
      );
    }
  }
  checkRateLimit(options.rateLimit);
  const keys = options.apiKeys;
  if (
    keys !== undefined &&
    (!Array.isArray(keys) || keys.some((key) => typeof key !== "string" || key.trim() === ""))
  ) {
    throw new TypeError(
      'startEmulator: `apiKeys` must be an array of non-empty strings, e.g. ["pex_my_local_key"].',
    );
  }
  const origins = options.corsOrigins;
  if (
    origins !== undefined &&
    (!Array.isArray(origins) || origins.some((origin) => !isCorsOrigin(origin)))
  ) {
    throw new TypeError(
      'startEmulator: `corsOrigins` must be an array of origins like "http://localhost:5173", or ["*"].',
    );
  }
  for (const name of ["retryMs", "drainRetryMs"] as const) {
    if (options[name] !== undefined && !Number.isInteger(options[name])) {
      throw new TypeError(
        `startEmulator: \`${name}\` must be a whole number of ms (SSE \`retry:\` takes digits).`,
      );
    }
  }
}

function isCorsOrigin(origin: unknown): boolean {
  if (origin === "*") return true;
  if (typeof origin !== "string") return false;
  try {
    return new URL(origin).origin === origin;
  } catch {
    return false;
  }
}

function checkRateLimit(rateLimit: EmulatorOptions["rateLimit"]): void {
  if (rateLimit === undefined || typeof rateLimit === "boolean") return;
  const numbers = ["limit", "windowMs", "downloadLimit", "retryAfterSeconds"] as const;
  const bad =
    typeof rateLimit !== "object" ||
    rateLimit === null ||
    numbers.some((name) => {
      const value = rateLimit[name];
      return value !== undefined && !(Number.isInteger(value) && value >= 0);
    });
  if (bad) {
    throw new TypeError(
      "startEmulator: `rateLimit` must be true, false or { limit?, windowMs?, downloadLimit?, retryAfterSeconds? } with whole numbers >= 0.",
    );
  }
}

/** What every child process is told, from the options (defaults filled in). */
export function childConfigOf(
  options: EmulatorOptions,
  stateFile: string,
): Omit<ChildConfig, "id"> {
  return {
    stateFile,
    planSeconds: options.planSeconds ?? 60,
    apiKeys: [...(options.apiKeys ?? [DOUBLE_API_KEY])],
    auth: options.auth ?? true,
    rateLimit: options.rateLimit ?? true,
    ...(options.corsOrigins && { corsOrigins: [...options.corsOrigins] }),
    proposal: options.proposal ?? false,
    contentUnavailable: options.contentUnavailable ?? false,
    heartbeatMs: options.heartbeatMs ?? STREAM.heartbeatMs,
    retryMs: options.retryMs ?? STREAM.retryMs,
    drainRetryMs: options.drainRetryMs ?? STREAM.drainRetryMs,
    pollIntervalMs: options.pollIntervalMs ?? STREAM.pollIntervalMs,
    maxStreamsPerClient: options.maxStreamsPerClient ?? STREAM.maxStreamsPerClient,
    maxStreams: options.maxStreams ?? STREAM.maxStreams,
    workerConcurrency: options.workerConcurrency ?? 4,
    workerPollMs: options.workerPollMs ?? 250,
    graceMs: options.graceMs ?? 10_000,
  };
}
