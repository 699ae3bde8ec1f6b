import type { CallToolResult } from "@modelcontextprotocol/server";
import { redact } from "../errors/redact.js";

/** Results are deeper than errors: a plan list's plans' errors' details. */
const MAX_RESULT_DEPTH = 32;

/**
 * A tool result carrying `body` as `structuredContent` and as JSON text (as PlanExe
 * answers). Whoever built `body` (PlanExe's answer, this server's own wording), every
 * string in it, keys included, has every spelling of `secrets` and of every
 * remembered secret shown as `***` and every control character (C0, DEL, C1) as
 * `\u00NN`; the text is the JSON of that clean value, so both say the same. Signed
 * download links are kept: the host needs them.
 */
export function jsonResult(
  body: unknown,
  secrets: readonly string[],
  isError = false,
): CallToolResult {
  // A plain JSON tree first: whatever the value was built from, the host gets only what JSON carries.
  const plain = JSON.parse(JSON.stringify(body) ?? "null") as unknown;
  const clean = redact(plain, {
    secrets,
    controls: true,
    keepLinks: true,
    maxDepth: MAX_RESULT_DEPTH,
  }) as Record<string, unknown>;
  return {
    content: [{ type: "text", text: JSON.stringify(clean) }],
    structuredContent: clean,
    ...(isError && { isError: true }),
  };
}
