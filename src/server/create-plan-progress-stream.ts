import type { PlanSnapshot } from "../protocol/index.js";
import type { ConnectionInfo } from "./client-address.js";
import { createConnectionLimiter } from "./limiter.js";
import {
  type PlanProgressStreamOptions,
  type ProgressStreamModeOptions,
  type ResolvedStreamOptions,
  resolveStreamOptions,
} from "./options.js";
import {
  abortedStreamResponse,
  connectionLimitResponse,
  drainingResponse,
  methodNotAllowedResponse,
  notFoundResponse,
  STREAM_HEADERS,
  snapshotUnavailableResponse,
} from "./responses.js";
import { openProgressStream, type ProgressStreamConnection } from "./stream.js";

/** Options of {@link PlanProgressStreamHandler.drain}. */
export interface DrainOptions {
  /** The `retry:` hint written to each open stream before it closes, in ms. @default the handler's `drainRetryMs` (250) */
  retryMs?: number | undefined;
}

/**
 * A web-standard handler for `GET /sse/plan/:id`, with drain for graceful shutdown.
 * Pass the socket's address as `connection` (`{ remoteAddress }`): the per-client
 * limit counts it, unless `trustProxy` names a proxy to believe instead.
 */
export interface PlanProgressStreamHandler {
  (request: Request, connection?: ConnectionInfo): Promise<Response>;
  /**
   * Stops taking streams (new requests get HTTP 503) and ends every open stream with a
   * short `retry:` block, so clients reconnect to a healthy replica at once instead of
   * waiting out the 5 s default. Call it on SIGTERM. Idempotent.
   */
  drain(options?: DrainOptions): void;
  /** Streams open on this handler now. */
  readonly openStreams: number;
}

/**
 * Creates the server side of PlanExe's plan progress stream: today's bytes (`retry:`,
 * `status` on change, `heartbeat`, `complete`, `error`), plus an `id:` derived from the
 * snapshot on every status/complete, resume by `Last-Event-ID`, a real HTTP 429 over the
 * connection limit, and `drain()`. Handlers keep no plan state: two of them sharing only
 * `getSnapshot` resume each other's streams.
 *
 * @example
 * const progress = createPlanProgressStream({ getSnapshot: (planId) => db.planSnapshot(planId) });
 * // Pass the socket's address: the per-client limit counts it (or set `trustProxy`).
 * Bun.serve({ fetch: (request, server) => progress(request, { remoteAddress: server.requestIP(request)?.address }) });
 * process.on("SIGTERM", () => progress.drain());
 */
export function createPlanProgressStream(
  options: PlanProgressStreamOptions,
): PlanProgressStreamHandler {
  // Only the protocol a server should speak: today's-PlanExe mode is for the doubles.
  const serverOnly = typeof options === "object" && options !== null;
  return createProgressStreamHandler(serverOnly ? { ...options, emulateToday: false } : options);
}

/** {@link createPlanProgressStream}, or (for the doubles) today's PlanExe bytes exactly. */
export function createProgressStreamHandler(
  options: ProgressStreamModeOptions,
): PlanProgressStreamHandler {
  const resolved = resolveStreamOptions(options);
  const limiter = createConnectionLimiter(resolved);
  const connections = new Set<ProgressStreamConnection>();
  let draining = false;

  const handle = async (request: Request, peer?: ConnectionInfo): Promise<Response> => {
    if (draining) return drainingResponse();
    if (request.method !== "GET") return methodNotAllowedResponse();
    const planId = resolved.planIdFromRequest(request);
    if (!planId) return notFoundResponse();

    const slot = limiter.acquire(resolved.clientKey(request, peer));
    if ("refused" in slot) {
      return resolved.emulateToday
        ? abortedStreamResponse(slot.refused)
        : connectionLimitResponse(slot.refused);
    }
    let first: PlanSnapshot | undefined;
    try {
      first = await resolved.getSnapshot(planId, request);
    } catch (error) {
      slot.release();
      resolved.onError(error, request);
      return snapshotUnavailableResponse();
    }
    if (draining) {
      slot.release();
      return drainingResponse();
    }
    return streamResponse({ planId, request, first }, slot, resolved, connections);
  };

  return Object.defineProperties(handle, {
    drain: {
      value(drainOptions: DrainOptions = {}) {
        const retryMs = drainOptions.retryMs ?? resolved.drainRetryMs;
        if (!Number.isInteger(retryMs) || retryMs < 0) {
          throw new TypeError(
            `drain({ retryMs }) takes a whole number of ms >= 0, got ${String(retryMs)}.`,
          );
        }
        draining = true;
        endAll(connections, retryMs, resolved.emulateToday);
      },
    },
    openStreams: { get: () => connections.size, enumerable: true },
  }) as PlanProgressStreamHandler;
}

/** Opens the stream on `slot` and keeps it in `connections` until it ends (its end frees the slot). */
function streamResponse(
  { planId, request, first }: { planId: string; request: Request; first: PlanSnapshot | undefined },
  slot: { release: () => void },
  resolved: ResolvedStreamOptions,
  connections: Set<ProgressStreamConnection>,
): Response {
  // The stream may end while it opens (unknown or finished plan), before it is registered.
  let ended = false;
  let connection: ProgressStreamConnection | undefined;
  connection = openProgressStream({
    planId,
    request,
    first,
    lastEventId: resolved.emulateToday
      ? undefined
      : (request.headers.get("last-event-id") ?? undefined),
    options: resolved,
    onClose: () => {
      ended = true;
      slot.release();
      if (connection) connections.delete(connection);
    },
  });
  if (!ended) connections.add(connection);
  return new Response(connection.body, { status: 200, headers: STREAM_HEADERS });
}

/** Ends every open stream: with a `retry:` block, or (today's server) cut as a killed server cuts it. */
function endAll(
  connections: Set<ProgressStreamConnection>,
  retryMs: number,
  emulateToday: boolean,
): void {
  for (const connection of [...connections]) {
    if (emulateToday) {
      connection.cut(new TypeError("terminated: the server went away"));
    } else {
      connection.drain(retryMs);
    }
  }
}
