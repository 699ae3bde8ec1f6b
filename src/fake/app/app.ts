import {
  createProgressStreamHandler,
  type PlanProgressStreamHandler,
} from "../../server/create-plan-progress-stream.js";
import type { PlanProgressStreamOptions } from "../../server/options.js";
import { apiKeyOf } from "../auth.js";
import type { Caller } from "../types.js";
import type { PlanExeWorld } from "../world.js";
import { isPreflight, preflightResponse, withCorsHeaders } from "./cors.js";
import { createIdleStreams } from "./idle-stream.js";
import { handleMcp, jsonRpcAuthError } from "./mcp-route.js";
import { downloadPath, isMcpEndpoint, MCP_PATHS } from "./paths.js";
import { isPublicRequest } from "./public-requests.js";
import { detail, rateLimited } from "./responses.js";
import { callTool, download, healthcheck, listTools } from "./rest-routes.js";

/** Options of {@link createPlanExeApp}. */
export interface PlanExeAppOptions {
  /** The public origin put in `sse_url` / `download_url`. @default the request's origin */
  baseUrl?: string;
  /**
   * Who a request counts against for the rate limit.
   * @default the request's API key (`key:…`), else the peer address the edge reports in `X-Real-IP` (`ip:…`), as PlanExe's `_client_identifier`
   */
  clientKey?: (request: Request) => string;
  /** Numbers of this replica's progress stream (`getSnapshot` and `clock` come from the world). */
  stream?: Omit<PlanProgressStreamOptions, "getSnapshot" | "clock">;
  /**
   * The origins whose browser pages may call this replica (PlanExe's
   * `PLANEXE_MCP_CORS_ORIGINS`); `"*"` allows any. A request from another origin gets
   * no CORS headers, so its page sees only a `TypeError`.
   * @default PlanExe's: with auth on `["https://mcp.planexe.org", "https://home.planexe.org"]`, with auth off `["*"]`
   */
  corsOrigins?: readonly string[];
  /** A POST to `/mcp` or `/mcp/tools/call` larger than this gets 413 (`PLANEXE_MCP_MAX_BODY_BYTES`). @default 1_048_576 */
  maxBodyBytes?: number;
  /**
   * Speak what this project proposes for PlanExe's progress stream instead of what it
   * sends today: an `id:` on every status/complete and resume by `Last-Event-ID`, a real
   * HTTP 429 over the connection limit (today: 200 and a body that aborts before its
   * first byte), and `drain()` ending streams with a short `retry:` (today: cut).
   * @default false (PlanExe as deployed)
   */
  proposal?: boolean;
}

/** One HTTP replica of PlanExe over a shared {@link PlanExeWorld}. */
export interface PlanExeApp {
  fetch(request: Request): Promise<Response>;
  /** SIGTERM: today's PlanExe cuts open streams; with `proposal` they end with a short `retry:`. */
  drain(): void;
  /** Stop serving: ends streams; later requests get 503. */
  close(): void;
  /** Progress streams open on this replica. */
  readonly openStreams: number;
}

/** PlanExe's production CORS origins (auth on, no `PLANEXE_MCP_CORS_ORIGINS`). */
const PLANEXE_CORS_ORIGINS = ["https://mcp.planexe.org", "https://home.planexe.org"];
/** PlanExe's `MAX_BODY_BYTES` default: 1 MiB. */
const MAX_BODY_BYTES = 1_048_576;
/** The header the edge in front of a replica sets to the client's address (the emulator's edge, Railway's). */
const EDGE_CLIENT_HEADER = "x-real-ip";

function defaultClientKey(request: Request): string {
  const key = apiKeyOf(request);
  if (key) return `key:${key}`;
  return `ip:${request.headers.get(EDGE_CLIENT_HEADER)?.trim() || "unknown"}`;
}

/** What one replica's middleware and routes read, fixed when the replica is made. */
interface Replica {
  world: PlanExeWorld;
  streams: ReplicaStreams;
  corsOrigins: readonly string[];
  clientKey: (request: Request) => string;
  maxBodyBytes: number;
  /** Tools that answer without an API key. */
  freeTools: ReadonlySet<string>;
  baseUrl: string | undefined;
}

/**
 * A web-standard PlanExe replica, as `mcp_cloud` answers: `POST /mcp` (+ `/mcp/`),
 * `GET /mcp` (an empty, long-lived SSE stream), `GET /mcp/tools`, `POST /mcp/tools/call`,
 * `GET /healthcheck`, `GET /sse/plan/:id`, `GET /download/:id/:file`. Its middleware
 * runs in PlanExe's order: auth, body size, rate limit, download rate limit; CORS
 * headers on every answer to an allowed origin. msw handlers and node:http replicas
 * both call `fetch`.
 *
 * @example
 * const app = createPlanExeApp(createPlanExeWorld({ clock }));
 * const response = await app.fetch(new Request("http://localhost:8001/healthcheck"));
 */
export function createPlanExeApp(world: PlanExeWorld, options: PlanExeAppOptions = {}): PlanExeApp {
  const streams = createReplicaStreams(world, options);
  const replica: Replica = {
    world,
    streams,
    corsOrigins: options.corsOrigins ?? (world.authRequired ? PLANEXE_CORS_ORIGINS : ["*"]),
    clientKey: options.clientKey ?? defaultClientKey,
    maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
    freeTools: new Set(world.tools.filter((tool) => tool.free).map((tool) => tool.name)),
    baseUrl: options.baseUrl,
  };
  let closed = false;

  return {
    async fetch(request) {
      const response = closed ? detail(503, "Service unavailable") : await route(replica, request);
      return withCorsHeaders(request, response, replica.corsOrigins);
    },
    drain: () => streams.end(),
    close() {
      closed = true;
      streams.end();
    },
    get openStreams() {
      return streams.progress.openStreams;
    },
  };
}

type ReplicaStreams = ReturnType<typeof createReplicaStreams>;

/** The replica's long-lived streams: progress streams and idle `GET /mcp` streams, ended together. */
function createReplicaStreams(world: PlanExeWorld, options: PlanExeAppOptions) {
  const progress: PlanProgressStreamHandler = createProgressStreamHandler({
    trustProxy: { header: EDGE_CLIENT_HEADER },
    ...options.stream,
    emulateToday: options.proposal !== true,
    clock: world.clock,
    getSnapshot: async (planId) => world.snapshot(planId),
  });
  const idle = createIdleStreams();
  return {
    progress,
    idle,
    /** SIGTERM or close: progress streams drain (today's PlanExe: cut), idle ones are cut. */
    end() {
      progress.drain();
      idle.cutAll();
    },
  };
}

/** A request through PlanExe's middleware, in its order, then to its route. */
async function route(replica: Replica, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname;
  const body = MCP_PATHS.has(path) ? await bodyOf(request) : undefined;
  const refused =
    (await refuseKey(replica, request, path, body)) ??
    refuseOverLimits(replica, request, path, body);
  if (refused) return refused;
  return answer(replica, request, url, body);
}

/** The body of a POST that PlanExe's middleware reads (auth rules, 413), read once. */
async function bodyOf(request: Request): Promise<Uint8Array | undefined> {
  if (request.method !== "POST") return undefined;
  return new Uint8Array(await request.arrayBuffer());
}

/** PlanExe's `enforce_api_key` auth step: undefined when the request may go on. */
async function refuseKey(
  { world, freeTools }: Replica,
  request: Request,
  path: string,
  body: Uint8Array | undefined,
): Promise<Response | undefined> {
  if (request.method === "OPTIONS") return undefined;
  if (!path.startsWith("/mcp") && !path.startsWith("/download")) return undefined;
  const hasKey = apiKeyOf(request) !== undefined;
  const isPublic = isPublicRequest(path, request.method, body, freeTools);
  if (isPublic && !hasKey) return undefined;
  if (!isPublic && path.startsWith("/download")) {
    const file = downloadPath(path);
    const token = new URL(request.url).searchParams.get("token");
    if (file && world.downloadTokenValid(file.planId, file.file, token)) return undefined;
  }
  const auth = world.authenticate(request);
  if (auth.ok) return undefined;
  if (isMcpEndpoint(path)) return jsonRpcAuthError(body, auth.message);
  return detail(auth.reason === "missing" ? 401 : 403, auth.message);
}

/** PlanExe's middleware after auth: body size (413), then the rate and download rate limits (429). */
function refuseOverLimits(
  { world, clientKey, maxBodyBytes }: Replica,
  request: Request,
  path: string,
  body: Uint8Array | undefined,
): Response | undefined {
  // A body is read only on the MCP paths (see `route`).
  if (body !== undefined) {
    const declared = Number(request.headers.get("content-length") ?? body.length);
    if (declared > maxBodyBytes) return detail(413, "Request body too large");
  }
  if (MCP_PATHS.has(path) && !world.takeRateLimit(clientKey(request), "mcp"))
    return rateLimited("Rate limit exceeded", world.rateLimitRetryAfterSeconds);
  if (path.startsWith("/download") && !world.takeRateLimit(clientKey(request), "download"))
    return rateLimited("Download rate limit exceeded", world.rateLimitRetryAfterSeconds);
  return undefined;
}

/** The answer of the route a request that passed the middleware reaches. */
function answer(
  replica: Replica,
  request: Request,
  url: URL,
  body: Uint8Array | undefined,
): Response | Promise<Response> {
  const { world } = replica;
  const path = url.pathname;
  const method = request.method;
  if (isPreflight(request)) return preflightResponse(request, replica.corsOrigins);
  if (isMcpEndpoint(path)) {
    if (method === "GET") return replica.streams.idle.open(request);
    if (method === "POST")
      return handleMcp(world, request, body as Uint8Array, callerOf(replica, request));
    return detail(405, "Method Not Allowed");
  }
  if (path === "/mcp/tools" && method === "GET") return listTools(world);
  if (path === "/mcp/tools/call" && method === "POST")
    return callTool(world, body as Uint8Array, callerOf(replica, request));
  if (path === "/healthcheck" && method === "GET") return healthcheck(world);
  if (path.startsWith("/sse/plan/")) return replica.streams.progress(request);
  const file = downloadPath(path);
  if (file && method === "GET") {
    const token = url.searchParams.get("token");
    return download(world, file.planId, file.file, token, apiKeyOf(request) !== undefined);
  }
  return detail(404, "Not Found");
}

/** Who a tool call runs as: the key's user (else anonymous), and the origin its URLs point to. */
function callerOf({ world, baseUrl }: Replica, request: Request): Caller {
  const auth = world.authenticate(request);
  return {
    userId: auth.ok ? auth.userId : "anonymous",
    baseUrl: (baseUrl ?? new URL(request.url).origin).replace(/\/+$/, ""),
  };
}
