import { z } from "zod";
import type { Caller } from "../types.js";
import type { PlanExeWorld } from "../world.js";
import { jsonBody } from "./json-body.js";
import { detail } from "./responses.js";

/** `GET /healthcheck`. */
export function healthcheck(world: PlanExeWorld): Response {
  return Response.json({
    status: "healthy",
    service: "planexe-mcp-cloud",
    authentication_required: world.authRequired,
  });
}

/** `GET /mcp/tools`: the tool list without MCP framing. */
export function listTools(world: PlanExeWorld): Response {
  return Response.json({
    tools: world.tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: z.toJSONSchema(tool.inputSchema, { io: "input" }),
      annotations: tool.annotations,
    })),
  });
}

const CallBody = z.object({
  tool: z.string(),
  arguments: z.record(z.string(), z.unknown()).default({}),
});

/**
 * `POST /mcp/tools/call` `{tool, arguments}` → `{content: [{text}], error}` (auth was
 * checked by the app). A failure PlanExe's MCP layer words as text (bad arguments, an
 * unknown tool) comes back here as `INTERNAL_ERROR` with that text and no content.
 */
export async function callTool(
  world: PlanExeWorld,
  body: Uint8Array,
  caller: Caller,
): Promise<Response> {
  const parsed = CallBody.safeParse(jsonBody(body));
  if (!parsed.success) return detail(422, 'Body must be {"tool": string, "arguments": object}');
  const outcome = world.callTool(parsed.data.tool, parsed.data.arguments, caller);
  if (!outcome.ok && outcome.text !== undefined)
    return Response.json({ content: [], error: outcome.error });
  const structured = outcome.ok ? outcome.result : { error: outcome.error };
  return Response.json({
    content: [{ text: JSON.stringify(structured) }],
    error: outcome.ok ? null : outcome.error,
  });
}

/** `GET /download/:id/report.html|run.zip?token=…`. */
export function download(
  world: PlanExeWorld,
  planId: string,
  fileName: string,
  token: string | null,
  keyAccepted: boolean,
): Response {
  const result = world.download(planId, fileName, token, keyAccepted);
  if (result.status !== 200) return detail(result.status, result.detail);
  const { artifact } = result;
  return new Response(artifact.bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      "content-type": artifact.contentType,
      "content-length": String(artifact.bytes.length),
      "content-disposition": `attachment; filename="${artifact.fileName}"`,
    },
  });
}
