import type { PlanSnapshot } from "../protocol/index.js";
import { PLANEXE_STREAM } from "../protocol/planexe-stream.js";
import { type Clock, systemClock } from "../time/clock.js";
import { durationMs } from "../time/duration.js";
import {
  type ConnectionInfo,
  checkTrustProxy,
  clientAddress,
  type TrustProxy,
} from "./client-address.js";

/** Options of {@link createPlanProgressStream}. */
export interface PlanProgressStreamOptions {
  /**
   * Reads the plan's current snapshot (e.g. from the database); `undefined` when no
   * such plan exists. Called once per connection up front, then every `pollIntervalMs`.
   * Two handlers that share only this function resume each other's streams.
   */
  getSnapshot: (planId: string, request: Request) => Promise<PlanSnapshot | undefined>;
  /** Where time comes from: polls, heartbeats, the stream timeout. @default systemClock */
  clock?: Clock | undefined;
  /** The `retry:` hint written first on every stream, in ms. @default 5000 */
  retryMs?: number | undefined;
  /** How often the snapshot is polled, in ms. @default 3000 */
  pollIntervalMs?: number | undefined;
  /** A `heartbeat` is written after this many ms without another event. @default 20000 */
  heartbeatMs?: number | undefined;
  /** A stream ends with `error` SSE_TIMEOUT after this many ms. @default 3_600_000 */
  timeoutMs?: number | undefined;
  /** Open streams allowed per `clientKey`; more get HTTP 429. @default 5 */
  maxStreamsPerClient?: number | undefined;
  /** Open streams allowed in all on this handler; more get HTTP 429. @default 200 */
  maxStreams?: number | undefined;
  /**
   * Which proxy in front of the handler reports the client's address for
   * `maxStreamsPerClient` (see {@link TrustProxy}); PlanExe on Railway:
   * `{ header: "x-real-ip" }`. Without it, request headers are ignored.
   * @default undefined (the socket's address, the handler's second argument)
   */
  trustProxy?: TrustProxy | undefined;
  /**
   * Who a request counts against for `maxStreamsPerClient`, when `trustProxy` is not
   * enough. `connection` is what the host passed as the handler's second argument.
   * @default the socket's address, or what `trustProxy` reports; else `"unknown"`
   */
  clientKey?: ((request: Request, connection?: ConnectionInfo) => string) | undefined;
  /** The `retry:` hint written to open streams by `drain()`, in ms. @default 250 */
  drainRetryMs?: number | undefined;
  /**
   * The plan id a request asks for, or `undefined` (answered with 404).
   * @default the last path segment of `/sse/plan/:id`, URL-decoded
   */
  planIdFromRequest?: ((request: Request) => string | undefined) | undefined;
  /** Told about a `getSnapshot` failure (the stream then ends, or the request gets 503). @default no-op */
  onError?: ((error: unknown, request: Request) => void) | undefined;
}

/**
 * The doubles' options (internal: not on `planexe-client/server`, which ships only the
 * protocol a server should speak).
 */
export interface ProgressStreamModeOptions extends PlanProgressStreamOptions {
  /**
   * Speak exactly what today's PlanExe sends, for testing clients against it: no `id:`
   * lines, `Last-Event-ID` ignored, and a connection over the limit gets 200
   * `text/event-stream` with a body that aborts before its first byte (not a 429), and
   * `drain()` cuts open streams with no further byte (today's server has no drain).
   * @default false
   */
  emulateToday?: boolean | undefined;
}

/** {@link PlanProgressStreamOptions} with every default filled in. */
export interface ResolvedStreamOptions {
  getSnapshot: PlanProgressStreamOptions["getSnapshot"];
  clock: Clock;
  retryMs: number;
  pollIntervalMs: number;
  heartbeatMs: number;
  timeoutMs: number;
  maxStreamsPerClient: number;
  maxStreams: number;
  clientKey: (request: Request, connection?: ConnectionInfo) => string;
  drainRetryMs: number;
  planIdFromRequest: (request: Request) => string | undefined;
  emulateToday: boolean;
  onError: (error: unknown, request: Request) => void;
}

/**
 * The defaults of {@link PlanProgressStreamOptions}, shared with the emulator's replicas:
 * PlanExe's own values, and the `retry:` a draining replica sends (ours: PlanExe does
 * not drain its streams).
 */
export const PROGRESS_STREAM_DEFAULTS = { ...PLANEXE_STREAM, drainRetryMs: 250 } as const;

const DURATIONS = [
  "retryMs",
  "pollIntervalMs",
  "heartbeatMs",
  "timeoutMs",
  "drainRetryMs",
] as const;
const COUNTS = ["maxStreamsPerClient", "maxStreams"] as const;
const FUNCTIONS = ["clientKey", "planIdFromRequest", "onError"] as const;

/** A plan id as PlanExe makes them (UUIDs), or any id without separators, dot segments or control characters. */
const SAFE_PLAN_ID = /^[A-Za-z0-9][A-Za-z0-9_~-]*(\.[A-Za-z0-9_~-]+)*$/;

/**
 * The default `planIdFromRequest`: the last path segment of `/sse/plan/:id`, decoded,
 * and only when it is a safe id: no `/`, `\\`, `..` or control character reaches
 * `getSnapshot` (a file- or path-based store would otherwise be walked out of).
 */
function defaultPlanIdFromRequest(request: Request): string | undefined {
  const match = /\/sse\/plan\/([^/]+)\/?$/.exec(new URL(request.url).pathname);
  if (!match?.[1]) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
  return id.length <= 128 && SAFE_PLAN_ID.test(id) ? id : undefined;
}

/** Validates `options` and fills in defaults; throws a `TypeError` that says how to fix the call. */
export function resolveStreamOptions(options: ProgressStreamModeOptions): ResolvedStreamOptions {
  checkRequired(options);
  checkNumbers(options);
  checkHooks(options);
  return withDefaults(options, checkedClock(options.clock ?? systemClock));
}

function checkRequired(options: ProgressStreamModeOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      "createPlanProgressStream(options) needs an options object, e.g. createPlanProgressStream({ getSnapshot: (planId) => db.snapshot(planId) }).",
    );
  }
  if (typeof options.getSnapshot !== "function") {
    throw new TypeError(
      "createPlanProgressStream: `getSnapshot` must be a function (planId, request) => Promise<PlanSnapshot | undefined>.",
    );
  }
}

/** The durations (whole ms where they go into `retry:`, non-zero where they are intervals) and the counts. */
function checkNumbers(options: ProgressStreamModeOptions): void {
  for (const name of DURATIONS)
    durationMs("createPlanProgressStream", name, options[name], 0, { zero: true });
  for (const name of ["retryMs", "drainRetryMs"] as const) {
    if (options[name] !== undefined && !Number.isInteger(options[name])) {
      throw new TypeError(
        `createPlanProgressStream: \`${name}\` must be a whole number of ms (SSE \`retry:\` takes digits only), got ${String(options[name])}.`,
      );
    }
  }
  if (options.pollIntervalMs === 0 || options.heartbeatMs === 0) {
    throw new TypeError(
      "createPlanProgressStream: `pollIntervalMs` and `heartbeatMs` must be > 0 (a zero interval would spin).",
    );
  }
  for (const name of COUNTS) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 1)) {
      throw new TypeError(
        `createPlanProgressStream: \`${name}\` must be an integer >= 1, got ${String(value)}.`,
      );
    }
  }
}

/** The functions given, and `trustProxy`. */
function checkHooks(options: ProgressStreamModeOptions): void {
  for (const name of FUNCTIONS) {
    if (options[name] !== undefined && typeof options[name] !== "function") {
      throw new TypeError(`createPlanProgressStream: \`${name}\` must be a function.`);
    }
  }
  const trustProblem = checkTrustProxy(options.trustProxy);
  if (trustProblem) throw new TypeError(trustProblem);
}

function checkedClock(clock: Clock): Clock {
  if (typeof clock.now !== "function" || typeof clock.setTimer !== "function") {
    throw new TypeError(
      "createPlanProgressStream: `clock` must have now() and setTimer(fn, ms), e.g. createManualClock() from planexe-client/testing.",
    );
  }
  return clock;
}

/** `options` (checked already) with every default filled in. */
function withDefaults(options: ProgressStreamModeOptions, clock: Clock): ResolvedStreamOptions {
  const { trustProxy } = options;
  return {
    getSnapshot: options.getSnapshot,
    clock,
    retryMs: options.retryMs ?? PROGRESS_STREAM_DEFAULTS.retryMs,
    pollIntervalMs: options.pollIntervalMs ?? PROGRESS_STREAM_DEFAULTS.pollIntervalMs,
    heartbeatMs: options.heartbeatMs ?? PROGRESS_STREAM_DEFAULTS.heartbeatMs,
    timeoutMs: options.timeoutMs ?? PROGRESS_STREAM_DEFAULTS.timeoutMs,
    maxStreamsPerClient:
      options.maxStreamsPerClient ?? PROGRESS_STREAM_DEFAULTS.maxStreamsPerClient,
    maxStreams: options.maxStreams ?? PROGRESS_STREAM_DEFAULTS.maxStreams,
    clientKey:
      options.clientKey ??
      ((request, connection) => clientAddress(request, connection, trustProxy)),
    drainRetryMs: options.drainRetryMs ?? PROGRESS_STREAM_DEFAULTS.drainRetryMs,
    planIdFromRequest: options.planIdFromRequest ?? defaultPlanIdFromRequest,
    emulateToday: options.emulateToday ?? false,
    onError: options.onError ?? (() => {}),
  };
}
