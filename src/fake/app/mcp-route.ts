import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import type { Caller } from "../types.js";
import type { PlanExeWorld } from "../world.js";
import { jsonBody } from "./json-body.js";
import { createPlanExeMcpServer } from "./mcp-server.js";

/** JSON-RPC code PlanExe uses for a missing or invalid API key on `/mcp`. */
const AUTH_ERROR_CODE = -32001;

/** The request id PlanExe puts in its auth error: the message's, or the first of a batch's. */
function requestIdOf(body: Uint8Array | undefined): unknown {
  const payload = jsonBody(body);
  const first = Array.isArray(payload) ? payload[0] : payload;
  return first && typeof first === "object" ? ((first as { id?: unknown }).id ?? null) : null;
}

/**
 * PlanExe's refusal of a key on `/mcp` (`_make_jsonrpc_auth_error`): HTTP 200 with a
 * JSON-RPC error −32001 carrying the request's id, so an MCP SDK shows the message
 * instead of starting an OAuth discovery.
 */
export function jsonRpcAuthError(body: Uint8Array | undefined, message: string): Response {
  return Response.json({
    jsonrpc: "2.0",
    error: { code: AUTH_ERROR_CODE, message },
    id: requestIdOf(body),
  });
}

/**
 * `POST /mcp`: MCP Streamable HTTP, stateless, JSON responses (auth was checked by the
 * app, as PlanExe's middleware does before the MCP app sees the request).
 */
export async function handleMcp(
  world: PlanExeWorld,
  request: Request,
  body: Uint8Array,
  caller: Caller,
): Promise<Response> {
  const parsed = jsonBody(body);
  if (parsed === undefined) {
    return Response.json(
      { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error: Invalid JSON" } },
      { status: 400 },
    );
  }
  const server = createPlanExeMcpServer(world, caller);
  // No sessionIdGenerator: stateless, like PlanExe (no Mcp-Session-Id).
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request, { parsedBody: parsed });
  } finally {
    await server.close();
  }
}
