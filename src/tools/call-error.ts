import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import {
  AuthError,
  ErrorCode,
  InvalidArgumentError,
  isPlanExeError,
  type PlanExeError,
  ProtocolError,
  redactText,
  TransportError,
} from "../errors/index.js";

/** JSON-RPC code PlanExe answers on `/mcp` for a missing or invalid API key (HTTP 200). */
const PLANEXE_AUTH_CODE = -32001;
const INVALID_PARAMS = -32602;
/** The plain-text answer of the MCP SDK's DNS-rebinding guard (421 for Host, 403 for Origin). */
const HOST_GUARD = /Invalid (Host|Origin) header/;

/**
 * The typed error for anything a tool call threw below the tool level: the MCP SDK's
 * `McpError` (JSON-RPC errors), `StreamableHTTPError` (HTTP statuses the transport
 * gave up on), zod failures of the JSON-RPC envelope, or an already typed SDK error.
 * Messages carry no secrets.
 */
export function callError(
  original: unknown,
  tool: string,
  secrets: readonly (string | undefined)[] = [],
): PlanExeError {
  if (isPlanExeError(original)) return original;
  const error = scrub(original, secrets);
  if (error instanceof McpError) return fromMcpError(error, tool, secrets);
  if (error instanceof StreamableHTTPError) return fromHttpError(error, tool, secrets);
  const message = error instanceof Error ? error.message : String(error);
  return new ProtocolError(
    ErrorCode.INVALID_RESPONSE,
    `${tool}: the server's answer could not be used: ${redactText(message, secrets)}`,
    { tool, cause: error },
  );
}

function fromMcpError(
  error: McpError,
  tool: string,
  secrets: readonly (string | undefined)[],
): PlanExeError {
  const message = redactText(error.message, secrets);
  const data: unknown = error.data;
  // The MCP SDK reuses −32001 for its own request timeout; that one carries `data.timeout`.
  const isSdkTimeout = typeof data === "object" && data !== null && "timeout" in data;
  if (error.code === PLANEXE_AUTH_CODE && !isSdkTimeout) {
    return new AuthError(`${tool}: the server rejected the API key: ${message}`, {
      tool,
      cause: error,
      details: { rpcCode: error.code },
    });
  }
  if (isSdkTimeout) {
    return new TransportError(ErrorCode.ATTEMPT_TIMEOUT, `${tool}: ${message}`, {
      tool,
      cause: error,
    });
  }
  if (error.code === INVALID_PARAMS) {
    return new InvalidArgumentError(ErrorCode.INVALID_ARGUMENTS, `${tool}: ${message}`, {
      tool,
      cause: error,
      details: { rpcCode: error.code },
    });
  }
  return new ProtocolError(ErrorCode.INVALID_RESPONSE, `${tool}: ${message}`, {
    tool,
    cause: error,
    details: { rpcCode: error.code },
  });
}

function fromHttpError(
  error: StreamableHTTPError,
  tool: string,
  secrets: readonly (string | undefined)[],
): PlanExeError {
  const status = error.code;
  const message = redactText(error.message, secrets);
  if ((status === 421 || status === 403) && HOST_GUARD.test(error.message)) {
    return new TransportError(
      ErrorCode.HOST_NOT_ALLOWED,
      `${tool}: the server refused this request's Host or Origin header (HTTP ${status}: ${message}). A self-hosted PlanExe bound to 127.0.0.1 accepts only its own host name: reach it by that name, or configure its allowed hosts/origins. This is not an API key problem`,
      { tool, status, cause: error },
    );
  }
  if (status === 401 || status === 403) {
    return new AuthError(`${tool}: the server rejected the API key (HTTP ${status})`, {
      tool,
      status,
      cause: error,
    });
  }
  if (status === undefined || status < 0) {
    return new ProtocolError(ErrorCode.WRONG_CONTENT_TYPE, `${tool}: ${message}`, {
      tool,
      cause: error,
    });
  }
  return new TransportError(ErrorCode.HTTP_ERROR, `${tool}: HTTP ${status}: ${message}`, {
    tool,
    status,
    cause: error,
  });
}

/**
 * `error` with every secret in its message and stack shown as `***`, same class
 * (so `instanceof` still works): a server may echo the key in its error text, and a
 * logged error prints its `cause` chain.
 */
function scrub(error: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (!(error instanceof Error)) return error;
  const keys = secrets.filter((s): s is string => typeof s === "string" && s.length >= 4);
  const leaks = (text: string | undefined) => keys.some((key) => text?.includes(key));
  if (!leaks(error.message) && !leaks(error.stack)) return error;
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor) Object.defineProperty(copy, key, descriptor);
  }
  const hide = (text: string) => keys.reduce((out, key) => out.split(key).join("***"), text);
  Object.defineProperty(copy, "message", {
    value: hide(error.message),
    configurable: true,
    writable: true,
  });
  if (error.stack)
    Object.defineProperty(copy, "stack", {
      value: hide(error.stack),
      configurable: true,
      writable: true,
    });
  return copy;
}
