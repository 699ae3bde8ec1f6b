import type { z } from "zod";
import { ErrorCode, ProtocolError } from "../errors/index.js";
import { firstText, type RawToolResult } from "./tool-error.js";

/**
 * A JSON value with every `null` object field removed: a Python server may send
 * `"sse_url": null` for a field the contract calls optional.
 */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== null) out[key] = dropNulls(field);
  }
  return out;
}

/**
 * The validated success output of a tool call: `structuredContent`, or else the JSON
 * text mirrored in `content[0].text`. Throws `ProtocolError` `INVALID_RESPONSE` naming
 * the fields that did not match (never their values, which may hold secrets).
 */
export function parseToolOutput<S extends z.ZodType>(
  tool: string,
  schema: S,
  result: RawToolResult,
): z.output<S> {
  const raw = result.structuredContent ?? parseText(tool, firstText(result.content));
  const parsed = schema.safeParse(dropNulls(raw));
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.code}`)
    .join("; ");
  throw new ProtocolError(
    ErrorCode.INVALID_RESPONSE,
    `${tool} returned a result that does not match the PlanExe contract (${fields})`,
    { tool, cause: parsed.error },
  );
}

function parseText(tool: string, text: string | undefined): unknown {
  if (text === undefined) {
    throw new ProtocolError(
      ErrorCode.INVALID_RESPONSE,
      `${tool} returned neither structuredContent nor a JSON text block`,
      { tool },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ProtocolError(ErrorCode.INVALID_RESPONSE, `${tool} returned text that is not JSON`, {
      tool,
      cause: error,
    });
  }
}
