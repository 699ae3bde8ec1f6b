import {
  AuthError,
  ErrorCode,
  InvalidArgumentError,
  isPlanExeError,
  type PlanExeError,
  ProtocolError,
  TransportError,
} from "../errors/index.js";
import { redact, rememberSecret } from "../errors/redact.js";
import { ContentTypeError, HttpStatusError, RpcError } from "./mcp-http.js";

/** JSON-RPC code PlanExe answers on `/mcp` for a missing or invalid API key (HTTP 200). */
const PLANEXE_AUTH_CODE = -32001;
const INVALID_PARAMS = -32602;
/** The plain-text answer of the MCP SDK's DNS-rebinding guard (421 for Host, 403 for Origin). */
const HOST_GUARD = /Invalid (Host|Origin) header/;

/**
 * The typed error for anything a tool call threw below the tool level (see
 * `mcp-http.ts`): an `RpcError` (JSON-RPC errors), an `HttpStatusError` (HTTP
 * statuses the fetch gave up on), a `ContentTypeError` (a 2xx that is neither JSON
 * nor SSE), any other error (an envelope or result of the wrong shape), or an
 * already typed error. Neither its message nor its `cause` carries a secret
 * (`errors/redact.ts`).
 */
export function callError(
  error: unknown,
  tool: string,
  secrets: readonly (string | undefined)[] = [],
): PlanExeError {
  if (isPlanExeError(error)) return error;
  // The typed error redacts its `cause` (the original, whatever echoed the key) of every remembered secret.
  for (const secret of secrets) rememberSecret(secret);
  if (error instanceof RpcError) return fromMcpError(error, tool, secrets);
  if (error instanceof HttpStatusError) return fromHttpError(error, tool, secrets);
  if (error instanceof ContentTypeError) {
    return new ProtocolError(
      ErrorCode.WRONG_CONTENT_TYPE,
      `${tool}: ${redact(error.message, { secrets, planIds: true })}`,
      { tool, cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProtocolError(
    ErrorCode.INVALID_RESPONSE,
    `${tool}: the server's answer could not be used: ${redact(message, { secrets, planIds: true })}`,
    { tool, cause: error },
  );
}

function fromMcpError(
  error: RpcError,
  tool: string,
  secrets: readonly (string | undefined)[],
): PlanExeError {
  const message = redact(error.message, { secrets, planIds: true });
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
  error: HttpStatusError,
  tool: string,
  secrets: readonly (string | undefined)[],
): PlanExeError {
  const status = error.status;
  const message = redact(error.message, { secrets, planIds: true });
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
