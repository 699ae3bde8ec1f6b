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

/**
 * The typed error for anything a tool call threw below the tool level: the MCP SDK's
 * `McpError` (JSON-RPC errors), `StreamableHTTPError` (HTTP statuses the transport
 * gave up on), zod failures of the JSON-RPC envelope, or an already typed SDK error.
 * Messages carry no secrets.
 */
export function callError(
  error: unknown,
  tool: string,
  secrets: readonly (string | undefined)[] = [],
): PlanExeError {
  if (isPlanExeError(error)) return error;
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
