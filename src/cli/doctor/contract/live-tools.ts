import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchFunction } from "../../../transport/fetch-function.js";
import type { LiveTool } from "./tools.js";

/** Pages of a paginated `tools/list` read at the most. */
const MAX_PAGES = 10;

/**
 * The server's `tools/list` as an MCP host gets it: `initialize`, then every page,
 * through the MCP SDK, within `timeoutMs` per request. With `apiKey` the key goes
 * along, so a key the server refuses shows here as it would at a host's connect.
 */
export async function listLiveTools(
  base: string,
  apiKey: string | undefined,
  timeoutMs: number,
  signal: AbortSignal,
  fetch?: FetchFunction,
): Promise<LiveTool[]> {
  const client = new Client({ name: "planexe-client-doctor", version: "0.1.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
    ...(fetch && { fetch }),
    requestInit: { headers: apiKey ? { "X-API-Key": apiKey } : {} },
  });
  const options = { signal, timeout: timeoutMs };
  try {
    await client.connect(transport, options);
    const tools: LiveTool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await client.listTools(cursor === undefined ? {} : { cursor }, options);
      tools.push(...(result.tools as LiveTool[]));
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
    return tools;
  } finally {
    await client.close().catch(() => {});
  }
}
