// The paths of PlanExe's mcp_cloud as the double's middleware and routes tell them apart: one
// spelling of each, so a check in the auth step and the route it guards cannot drift apart.

/** `/mcp`, with or without its trailing slash: the Streamable HTTP endpoint. */
export function isMcpEndpoint(path: string): boolean {
  return path === "/mcp" || path === "/mcp/";
}

/** The paths whose body is read (size-limited) and counted against the MCP rate limit. */
export const MCP_PATHS: ReadonlySet<string> = new Set(["/mcp", "/mcp/", "/mcp/tools/call"]);

const DOWNLOAD = /^\/download\/([^/]+)\/([^/]+)$/;

/** `/download/{plan_id}/{file}`: the plan id (decoded) and the file name; `undefined` for any other path. */
export function downloadPath(path: string): { planId: string; file: string } | undefined {
  const match = DOWNLOAD.exec(path);
  if (!match) return undefined;
  return { planId: decodeURIComponent(match[1] as string), file: match[2] as string };
}
