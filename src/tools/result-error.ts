import {
  ErrorCode,
  InsufficientCreditsError,
  InvalidArgumentError,
  PlanNotFoundError,
  ToolError,
} from "../errors/index.js";
import { redact } from "../errors/redact.js";
import { type ToolErrorPayload, ToolErrorPayloadSchema } from "./schemas/common.js";

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));
const INVALID_ARGUMENT_CODES = new Set<string>([
  ErrorCode.INVALID_ARGUMENT,
  ErrorCode.INVALID_ARGUMENTS,
  ErrorCode.INVALID_TOOL,
  ErrorCode.INVALID_FEEDBACK,
]);

/** A tool result that may carry `isError`. */
export interface RawToolResult {
  isError?: boolean | undefined;
  structuredContent?: unknown;
  content?: unknown;
}

/** The `{ error: { code, message, details? } }` of a failed tool result, from `structuredContent` or the JSON text in `content[0]`. */
function readToolErrorPayload(result: RawToolResult): ToolErrorPayload | undefined {
  const structured = ToolErrorPayloadSchema.safeParse(result.structuredContent);
  if (structured.success) return structured.data;
  const text = firstText(result.content);
  if (text === undefined) return undefined;
  try {
    const parsed = ToolErrorPayloadSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The text of the first text block of an MCP `content` array. */
export function firstText(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined;
  const first: unknown = content[0];
  if (typeof first !== "object" || first === null) return undefined;
  const text = (first as { text?: unknown }).text;
  return typeof text === "string" ? text : undefined;
}

/**
 * How PlanExe's MCP server (the Python MCP SDK's FastMCP) words a refusal it sends as
 * text only, with the code each becomes: bad arguments (`Error executing tool X: N
 * validation error(s) for …`, `Input validation error: …`), an unknown tool
 * (`Unknown tool: X`), and any other exception in a tool (its database down, …).
 */
const TEXT_ONLY: readonly { pattern: RegExp; code: ErrorCode }[] = [
  {
    pattern: /^Error executing tool [^:]*: \d+ validation errors? for /,
    code: ErrorCode.INVALID_ARGUMENTS,
  },
  { pattern: /^Input validation error: /, code: ErrorCode.INVALID_ARGUMENTS },
  { pattern: /^Unknown tool: /, code: ErrorCode.INVALID_TOOL },
  { pattern: /^Error executing tool /, code: ErrorCode.INTERNAL_ERROR },
];

/** A refusal with no `{ error }` payload: the server's text kept (redacted), its code read from the text. */
function textOnlyError(
  tool: string,
  text: string | undefined,
  secrets: readonly (string | undefined)[],
): ToolError {
  if (text === undefined || text.trim() === "")
    return new ToolError(ErrorCode.UNKNOWN_SERVER_ERROR, `${tool} failed without saying why`, {
      tool,
    });
  const message = `${tool} failed: ${redact(text, { secrets, planIds: true })}`;
  const code = TEXT_ONLY.find(({ pattern }) => pattern.test(text))?.code;
  if (code === undefined) return new ToolError(ErrorCode.UNKNOWN_SERVER_ERROR, message, { tool });
  const context = { tool, details: { textOnly: true } };
  return INVALID_ARGUMENT_CODES.has(code)
    ? new InvalidArgumentError(code, message, context)
    : new ToolError(code, message, context);
}

/**
 * The typed error for a tool result with `isError: true`, keeping the server's code:
 * `PlanNotFoundError`, `InsufficientCreditsError`, `InvalidArgumentError`, else `ToolError`.
 * Codes the SDK does not know become `UNKNOWN_SERVER_ERROR` with the server's code in `details.code`.
 * A text-only refusal keeps its text and gets the code its wording says (`TEXT_ONLY`).
 * Secrets (the API key, plan ids) are removed from the message.
 */
export function toolErrorFromResult(
  tool: string,
  result: RawToolResult,
  secrets: readonly (string | undefined)[] = [],
): ToolError {
  const payload = readToolErrorPayload(result);
  if (!payload) return textOnlyError(tool, firstText(result.content), secrets);
  const { code, message, details } = payload.error;
  const text = `${tool} failed (${code}): ${redact(message, { secrets, planIds: true })}`;
  const context = { tool, details };
  if (code === ErrorCode.PLAN_NOT_FOUND) return new PlanNotFoundError(text, context);
  if (code === ErrorCode.INSUFFICIENT_CREDITS) return new InsufficientCreditsError(text, context);
  if (INVALID_ARGUMENT_CODES.has(code))
    return new InvalidArgumentError(code as ErrorCode, text, context);
  if (KNOWN_CODES.has(code)) return new ToolError(code as ErrorCode, text, context);
  return new ToolError(ErrorCode.UNKNOWN_SERVER_ERROR, text, {
    tool,
    details: { code, details },
  });
}
