import type { ToolOutcome } from "../types.js";

/** A FastAPI-style error body: `{"detail": …}`. */
export function detail(status: number, message: string): Response {
  return Response.json({ detail: message }, { status });
}

/** PlanExe's over-the-limit answer: 429 with no `Retry-After` (unless the double is told to send one). */
export function rateLimited(retryAfterSeconds?: number): Response {
  const response = detail(429, "Rate limit exceeded");
  if (retryAfterSeconds !== undefined)
    response.headers.set("retry-after", String(retryAfterSeconds));
  return response;
}

/** An MCP `CallToolResult`: structured content mirrored as JSON text. */
export function toCallToolResult(outcome: ToolOutcome) {
  const structured = outcome.ok ? outcome.result : { error: outcome.error };
  return {
    content: [{ type: "text" as const, text: JSON.stringify(structured) }],
    structuredContent: structured,
    ...(outcome.ok ? {} : { isError: true }),
  };
}
