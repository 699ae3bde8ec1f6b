import type { z } from "zod";
import { ErrorCode, ProtocolError } from "../errors/index.js";
import { firstText, type RawToolResult } from "./result-error.js";

/**
 * A JSON value with every `null` object field removed: a Python server may send
 * `"sse_url": null` for a field the contract calls optional. A value without such a
 * field is returned as it is (no copy: this runs on every tool answer); otherwise
 * only the objects and arrays on the way to a `null` are copied.
 */
export function dropNulls(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const clean = dropNulls(item);
      if (clean !== item) {
        copy ??= value.slice();
        copy[i] = clean;
      }
    }
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const field = record[key];
    if (field === null) {
      copy ??= { ...record };
      delete copy[key];
      continue;
    }
    const clean = dropNulls(field);
    if (clean !== field) {
      copy ??= { ...record };
      copy[key] = clean;
    }
  }
  return copy ?? record;
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
