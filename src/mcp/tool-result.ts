import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/**
 * A tool result carrying `body` as `structuredContent` and as JSON text (as PlanExe
 * answers), with every secret shown as `***` in both.
 */
export function jsonResult(
  body: unknown,
  secrets: readonly string[],
  isError = false,
): CallToolResult {
  const text = secrets.reduce((out, secret) => out.split(secret).join("***"), JSON.stringify(body));
  return {
    content: [{ type: "text", text }],
    structuredContent: JSON.parse(text) as Record<string, unknown>,
    ...(isError && { isError: true }),
  };
}
