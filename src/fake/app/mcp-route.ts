import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { authFailureMessage } from "../auth.js";
import type { Caller } from "../types.js";
import type { PlanExeWorld } from "../world.js";
import { createPlanExeMcpServer } from "./mcp-server.js";

/** JSON-RPC code PlanExe uses for a missing or invalid API key on `/mcp`. */
const AUTH_ERROR_CODE = -32001;

interface JsonRpcMessage {
  id?: unknown;
  method?: unknown;
  params?: { name?: unknown } | undefined;
}

const jsonRpcError = (id: unknown, code: number, message: string) => ({
  jsonrpc: "2.0",
  id: id ?? null,
  error: { code, message },
});

/** True when the message calls a tool that needs an API key. */
function needsKey(world: PlanExeWorld, message: JsonRpcMessage): boolean {
  if (message?.method !== "tools/call") return false;
  const tool = world.tools.find((t) => t.name === message.params?.name);
  return !tool?.free;
}

/**
 * `POST /mcp`: MCP Streamable HTTP, stateless, JSON responses. A call that needs a
 * key and has none (or a wrong one) gets HTTP 200 with JSON-RPC error −32001.
 */
export async function handleMcp(
  world: PlanExeWorld,
  request: Request,
  caller: Caller,
): Promise<Response> {
  if (request.method !== "POST") {
    return new Response(null, { status: 405, headers: { allow: "POST" } });
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json(jsonRpcError(null, -32700, "Parse error: Invalid JSON"), { status: 400 });
  }
  const messages = (Array.isArray(body) ? body : [body]) as JsonRpcMessage[];
  if (world.authRequired && messages.some((message) => needsKey(world, message))) {
    const auth = world.authenticate(request.headers);
    if (!auth.ok) {
      const errors = messages
        .filter((message) => message?.id !== undefined)
        .map((message) =>
          jsonRpcError(message.id, AUTH_ERROR_CODE, authFailureMessage(auth.reason)),
        );
      return Response.json(Array.isArray(body) ? errors : (errors[0] ?? errors));
    }
  }
  const server = createPlanExeMcpServer(world, caller);
  // No sessionIdGenerator: stateless, like PlanExe (no Mcp-Session-Id).
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request, { parsedBody: body });
  } finally {
    await server.close();
  }
}
