import {
  createProgressStreamHandler,
  type PlanProgressStreamHandler,
} from "../../server/create-plan-progress-stream.js";
import type { ProgressStreamModeOptions } from "../../server/options.js";
import { apiKeyFromHeaders, userIdForKey } from "../auth.js";
import type { Caller } from "../types.js";
import type { PlanExeWorld } from "../world.js";
import { isPreflight, preflightResponse, withCorsHeaders } from "./cors.js";
import { handleMcp } from "./mcp-route.js";
import { detail, rateLimited } from "./responses.js";
import { callTool, download, healthcheck, listTools } from "./rest-routes.js";

/** Options of {@link createPlanExeApp}. */
export interface PlanExeAppOptions {
  /** The public origin put in `sse_url` / `download_url`. @default the request's origin */
  baseUrl?: string;
  /**
   * Who a request counts against for the rate limit.
   * @default `X-Real-IP` (what the edge in front sets, as Railway's does), else the API key's user, else `"unknown"`
   */
  clientKey?: (request: Request) => string;
  /** Options for this replica's progress stream (`getSnapshot` and `clock` come from the world). */
  stream?: Omit<ProgressStreamModeOptions, "getSnapshot" | "clock">;
  /**
   * The origins whose browser pages may call this replica (PlanExe's
   * `PLANEXE_MCP_CORS_ORIGINS`); `"*"` allows any. A request from another origin gets
   * no CORS headers, so its page sees only a `TypeError`.
   * @default ["*"] (PlanExe's default when it runs without auth)
   */
  corsOrigins?: readonly string[];
}

/** One HTTP replica of PlanExe over a shared {@link PlanExeWorld}. */
export interface PlanExeApp {
  fetch(request: Request): Promise<Response>;
  /** SIGTERM: end this replica's open progress streams with a short `retry:`. */
  drain(): void;
  /** Stop serving: drains streams; later requests get 503. */
  close(): void;
  /** Progress streams open on this replica. */
  readonly openStreams: number;
}

/** The paths PlanExe's 60 / 60 s limit covers. */
const MCP_PATHS = new Set(["/mcp", "/mcp/", "/mcp/tools/call"]);
/** The header the edge in front of a replica sets to the client's address (the emulator's edge, Railway's). */
const EDGE_CLIENT_HEADER = "x-real-ip";

function defaultClientKey(request: Request): string {
  const key = apiKeyFromHeaders(request.headers);
  return request.headers.get(EDGE_CLIENT_HEADER)?.trim() || (key ? userIdForKey(key) : "unknown");
}

/**
 * A web-standard PlanExe replica: `POST /mcp` (+ `/mcp/`), `GET /mcp/tools`,
 * `POST /mcp/tools/call`, `GET /healthcheck`, `GET /sse/plan/:id`,
 * `GET /download/:id/:file`. msw handlers and node:http replicas both call `fetch`.
 *
 * @example
 * const app = createPlanExeApp(createPlanExeWorld({ clock }));
 * const response = await app.fetch(new Request("http://localhost:8001/healthcheck"));
 */
export function createPlanExeApp(world: PlanExeWorld, options: PlanExeAppOptions = {}): PlanExeApp {
  const clientKey = options.clientKey ?? defaultClientKey;
  const corsOrigins = options.corsOrigins ?? ["*"];
  const progress: PlanProgressStreamHandler = createProgressStreamHandler({
    trustProxy: { header: EDGE_CLIENT_HEADER },
    ...options.stream,
    clock: world.clock,
    getSnapshot: async (planId) => world.snapshot(planId),
  });
  let closed = false;

  const callerOf = (request: Request): Caller => {
    const auth = world.authenticate(request.headers);
    return {
      userId: auth.ok ? auth.userId : "anonymous",
      baseUrl: (options.baseUrl ?? new URL(request.url).origin).replace(/\/+$/, ""),
    };
  };

  const route = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname;
    const method = request.method;
    if (isPreflight(request)) {
      // PlanExe's rate limit runs before its CORS middleware and looks only at the path.
      const bucket = MCP_PATHS.has(path) ? "mcp" : path.startsWith("/download") ? "download" : "";
      if (bucket && !world.takeRateLimit(clientKey(request), bucket))
        return rateLimited(world.rateLimitRetryAfterSeconds);
      return preflightResponse(request, corsOrigins);
    }
    if (path === "/mcp" || path === "/mcp/") {
      if (method === "POST" && !world.takeRateLimit(clientKey(request), "mcp"))
        return rateLimited(world.rateLimitRetryAfterSeconds);
      return handleMcp(world, request, callerOf(request));
    }
    if (path === "/mcp/tools" && method === "GET") return listTools(world);
    if (path === "/mcp/tools/call" && method === "POST") {
      if (!world.takeRateLimit(clientKey(request), "mcp"))
        return rateLimited(world.rateLimitRetryAfterSeconds);
      return callTool(world, request, callerOf(request));
    }
    if (path === "/healthcheck" && method === "GET") return healthcheck(world);
    if (path.startsWith("/sse/plan/")) return progress(request);
    const file = /^\/download\/([^/]+)\/([^/]+)$/.exec(path);
    if (file && method === "GET") {
      if (!world.takeRateLimit(clientKey(request), "download"))
        return rateLimited(world.rateLimitRetryAfterSeconds);
      return download(
        world,
        decodeURIComponent(file[1] as string),
        file[2] as string,
        url.searchParams.get("token"),
      );
    }
    return detail(404, "Not Found");
  };

  return {
    async fetch(request) {
      const response = closed ? detail(503, "Service unavailable") : await route(request);
      return withCorsHeaders(request, response, corsOrigins);
    },
    drain: () => progress.drain(),
    close() {
      closed = true;
      progress.drain();
    },
    get openStreams() {
      return progress.openStreams;
    },
  };
}
