import { jsonBody } from "./json-body.js";
import { isMcpEndpoint } from "./paths.js";

/**
 * Which requests PlanExe lets through without an API key (`middleware.py`,
 * `_is_public_mcp_request_without_auth`): `GET`/`HEAD` of `/mcp`, `GET /mcp/tools`,
 * the REST call of a free tool, and a JSON-RPC POST whose every message is a
 * handshake/discovery method or a call of a free tool. A key that is sent is still
 * checked on these (so a bad key shows at connect time).
 */

/** JSON-RPC methods that need no key. */
const PUBLIC_METHODS = new Set([
  "initialize",
  "notifications/initialized",
  "tools/list",
  "prompts/list",
  "prompts/get",
  "resources/list",
  "resources/templates/list",
  "ping",
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function isPublicJsonRpc(payload: unknown, freeTools: ReadonlySet<string>): boolean {
  const entries = (Array.isArray(payload) ? payload : [payload]).filter(isObject);
  const methods = entries.map((entry) => entry.method).filter((m) => typeof m === "string");
  if (methods.length === 0) return false;
  if (methods.every((method) => PUBLIC_METHODS.has(method as string))) return true;
  if (!methods.every((method) => method === "tools/call")) return false;
  const names = entries
    .filter((entry) => entry.method === "tools/call" && isObject(entry.params))
    .map((entry) => (entry.params as Record<string, unknown>).name)
    .filter((name) => typeof name === "string");
  return names.length > 0 && names.every((name) => freeTools.has(name as string));
}

/** True when PlanExe serves this request without a key; `freeTools` are its `PUBLIC_TOOL_CALLS_NO_AUTH`. */
export function isPublicRequest(
  path: string,
  method: string,
  body: Uint8Array | undefined,
  freeTools: ReadonlySet<string>,
): boolean {
  const mcp = isMcpEndpoint(path);
  if (mcp && (method === "GET" || method === "HEAD")) return true;
  if (path === "/mcp/tools" && method === "GET") return true;
  if (path === "/mcp/tools/call" && method === "POST") {
    const payload = jsonBody(body);
    return isObject(payload) && typeof payload.tool === "string" && freeTools.has(payload.tool);
  }
  return mcp && method === "POST" && isPublicJsonRpc(jsonBody(body), freeTools);
}
