import {
  ProtocolError as McpProtocolError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
} from "@modelcontextprotocol/client";
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
 * `ProtocolError` (JSON-RPC errors), `SdkHttpError` (HTTP statuses the transport gave
 * up on), its other `SdkError`s (its own timeout, an answer that is not JSON or SSE,
 * an envelope that fails its schema), or an already typed error. Messages carry no
 * secrets.
 */
export function callError(
  original: unknown,
  tool: string,
  secrets: readonly (string | undefined)[] = [],
): PlanExeError {
  if (isPlanExeError(original)) return original;
  const error = scrub(original, secrets);
  if (error instanceof McpProtocolError) return fromMcpError(error, tool, secrets);
  if (error instanceof SdkHttpError) return fromHttpError(error, tool, secrets);
  if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) {
    return new TransportError(
      ErrorCode.ATTEMPT_TIMEOUT,
      `${tool}: ${redactText(error.message, secrets)}`,
      { tool, cause: error },
    );
  }
  if (error instanceof SdkError && error.code === SdkErrorCode.ClientHttpUnexpectedContent) {
    return new ProtocolError(
      ErrorCode.WRONG_CONTENT_TYPE,
      `${tool}: ${redactText(error.message, secrets)}`,
      { tool, cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProtocolError(
    ErrorCode.INVALID_RESPONSE,
    `${tool}: the server's answer could not be used: ${redactText(message, secrets)}`,
    { tool, cause: error },
  );
}

function fromMcpError(
  error: McpProtocolError,
  tool: string,
  secrets: readonly (string | undefined)[],
): PlanExeError {
  const message = redactText(error.message, secrets);
  if (error.code === PLANEXE_AUTH_CODE) {
    return new AuthError(`${tool}: the server rejected the API key: ${message}`, {
      tool,
      cause: error,
      details: { rpcCode: error.code },
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
  error: SdkHttpError,
  tool: string,
  secrets: readonly (string | undefined)[],
): PlanExeError {
  const status = error.status;
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
