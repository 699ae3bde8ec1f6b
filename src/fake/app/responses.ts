import type { ToolOutcome } from "../types.js";

/** A FastAPI-style error body: `{"detail": …}`. */
export function detail(status: number, message: string): Response {
  return Response.json({ detail: message }, { status });
}

/** PlanExe's over-the-limit answer: 429 with no `Retry-After` (unless the double is told to send one). */
export function rateLimited(message: string, retryAfterSeconds?: number): Response {
  const response = detail(429, message);
  if (retryAfterSeconds !== undefined)
    response.headers.set("retry-after", String(retryAfterSeconds));
  return response;
}

/**
 * An MCP `CallToolResult` as PlanExe's `/mcp` sends it: structured content mirrored as
 * JSON text; a handler's refusal with `isError: true` and `structuredContent.error`; a
 * text-only failure (bad arguments, unknown tool, an exception) with the text alone.
 */
export function toCallToolResult(outcome: ToolOutcome) {
  if (!outcome.ok && outcome.text !== undefined)
    return { content: [{ type: "text" as const, text: outcome.text }], isError: true };
  const structured = outcome.ok ? outcome.result : { error: outcome.error };
  return {
    content: [{ type: "text" as const, text: JSON.stringify(structured) }],
    structuredContent: structured,
    isError: !outcome.ok,
  };
}
