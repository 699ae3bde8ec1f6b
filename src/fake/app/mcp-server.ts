import { McpServer } from "@modelcontextprotocol/server";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/server/validators/ajv";
import type { Caller } from "../types.js";
import type { PlanExeWorld } from "../world.js";
import { toCallToolResult } from "./responses.js";

/** The `serverInfo` PlanExe's MCP server reports. */
const SERVER_INFO = { name: "planexe-mcp-cloud", version: "1.0.0" } as const;

// One validator for every per-request server: building an Ajv instance per request costs more than the call.
let sharedValidator: AjvJsonSchemaValidator | undefined;
function validator(): AjvJsonSchemaValidator {
  sharedValidator ??= new AjvJsonSchemaValidator();
  return sharedValidator;
}

/**
 * PlanExe's tools on a real `McpServer`, for one request (the server is stateless).
 * `tools/list` comes from the SDK (zod → JSON Schema, annotations); `tools/call` is
 * routed to the world, which words bad arguments and unknown tools as PlanExe's
 * FastMCP does (text only).
 */
export function createPlanExeMcpServer(world: PlanExeWorld, caller: Caller): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {} },
    jsonSchemaValidator: validator(),
    instructions:
      "PlanExe turns a prompt into a project plan. Call plan_create, follow sse_url or poll plan_status, then plan_file_info to download.",
  });
  const call = (name: string, args: unknown) =>
    toCallToolResult(world.callTool(name, args, caller));
  for (const tool of world.tools) {
    server.registerTool(
      tool.name,
      {
        description: tool.description,
        inputSchema: tool.inputSchema,
        ...(tool.outputSchema && { outputSchema: tool.outputSchema }),
        annotations: tool.annotations,
      },
      (args) => call(tool.name, args),
    );
  }
  server.server.setRequestHandler("tools/call", (request) =>
    call(request.params.name, request.params.arguments ?? {}),
  );
  return server;
}
