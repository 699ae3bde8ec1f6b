import type { ReplayableRequest } from "../http/request.js";
import type { ToolAnnotationsRegistry } from "../mcp/tool-annotations.js";

/** What a {@link ResendableHook} is asked about: one HTTP request, or one JSON-RPC message of it. */
export interface ResendQuery {
  /** The HTTP method. */
  method: string;
  /** The request URL (may hold secrets: do not log it). */
  url: string;
  /** The JSON-RPC method (`tools/call`, `initialize`, …), when the body is JSON-RPC. */
  rpcMethod?: string;
  /** The tool being called, for `tools/call` (and PlanExe's REST `POST …/tools/call`). */
  toolName?: string;
}

/**
 * Decides whether a request that may already have reached the server can be sent
 * again. Return `undefined` to use the default rule.
 */
export type ResendableHook = (query: ResendQuery) => boolean | undefined;

const SAFE_HTTP_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/**
 * Whether `request` may be sent again after a failure that may have reached the
 * server. Default: idempotent HTTP methods; JSON-RPC messages except `tools/call`,
 * which is safe only when the tool was listed as read-only or idempotent; any
 * other POST is not.
 */
export function isResendable(
  request: ReplayableRequest,
  annotations: ToolAnnotationsRegistry,
  hook: ResendableHook | undefined,
): boolean {
  const base = { method: request.method, url: request.url };
  if (!request.rpc) return hook?.(base) ?? SAFE_HTTP_METHODS.has(request.method);
  return request.rpc.every((message) => {
    const query: ResendQuery = { ...base, rpcMethod: message.method };
    if (message.toolName !== undefined) query.toolName = message.toolName;
    const verdict = hook?.(query);
    if (verdict !== undefined) return verdict;
    return message.method !== "tools/call" || annotations.isResendable(message.toolName);
  });
}
