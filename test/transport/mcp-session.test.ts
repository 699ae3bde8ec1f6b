import { randomUUID } from "node:crypto";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { McpServer, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createResilientFetch } from "../../src/transport/index.js";

type LostSession = "404" | "400";

/**
 * A stateful MCP server "process" (sessions in memory, like the MCP SDK's examples)
 * behind a fetch function; `restart()` forgets every session.
 */
function statefulServer(lost: LostSession) {
  let sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
  let restarts = 0;
  const log: { method: string; session: string | null; rpc: string }[] = [];
  let calls = 0;

  const handle = async (request: Request): Promise<Response> => {
    const session = request.headers.get("mcp-session-id");
    const body = request.method === "POST" ? await request.clone().text() : "";
    log.push({ method: request.method, session, rpc: /"method":"([^"]+)"/.exec(body)?.[1] ?? "" });
    if (session) {
      const transport = sessions.get(session);
      if (transport) return transport.handleRequest(request);
      return lost === "404"
        ? Response.json(
            { jsonrpc: "2.0", id: null, error: { code: -32001, message: "Session not found" } },
            { status: 404 },
          )
        : Response.json(
            {
              jsonrpc: "2.0",
              id: null,
              error: { code: -32000, message: "Bad Request: No valid session ID provided" },
            },
            { status: 400 },
          );
    }
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: true,
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
      },
    });
    const server = new McpServer({ name: "stateful", version: "1.0.0" });
    const generation = restarts;
    server.registerTool(
      "count",
      { inputSchema: z.object({ by: z.number() }), annotations: { readOnlyHint: true } },
      async ({ by }) => {
        calls += by;
        return { content: [{ type: "text", text: `${calls}@${generation}` }] };
      },
    );
    await server.connect(transport);
    return transport.handleRequest(request);
  };

  return {
    log,
    fetch: (input: string | URL | Request, init?: RequestInit) => handle(new Request(input, init)),
    restart() {
      for (const transport of sessions.values()) void transport.close();
      sessions = new Map();
      restarts++;
    },
  };
}

const clients: Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
});

describe("MCP session loss after a server restart", () => {
  for (const lost of ["404", "400"] as const) {
    it(`a plain MCP SDK Client keeps working: re-initialized once, the call replayed once (${lost})`, async () => {
      const server = statefulServer(lost);
      const transport = new StreamableHTTPClientTransport(new URL("http://stateful.test/mcp"), {
        fetch: createResilientFetch({ fetch: server.fetch }),
      });
      const client = new Client({ name: "test", version: "1.0.0" });
      clients.push(client);
      await client.connect(transport);
      const before = transport.sessionId;
      const first = await client.callTool({ name: "count", arguments: { by: 1 } });
      expect(first.content).toEqual([{ type: "text", text: "1@0" }]);

      server.restart();
      const second = await client.callTool({ name: "count", arguments: { by: 1 } });
      expect(second.content).toEqual([{ type: "text", text: "2@1" }]);

      const third = await client.callTool({ name: "count", arguments: { by: 1 } });
      expect(third.content).toEqual([{ type: "text", text: "3@1" }]);
      const posts = server.log.filter((entry) => entry.method === "POST");
      expect(posts.filter((entry) => entry.rpc === "initialize")).toHaveLength(2);
      expect(posts.filter((entry) => entry.rpc === "tools/call")).toHaveLength(4);
      // The restarted server's session carries the calls after it (the v2 transport keeps
      // the id it was first given; the fetch sends the renewed one in its place).
      const renewed = posts.at(-1)?.session;
      expect(renewed).toBeTruthy();
      expect(renewed).not.toBe(before);
      expect(posts.at(-2)?.session).toBe(renewed);
    });
  }

  it("control: the same Client on the plain fetch fails every call after the restart", async () => {
    const server = statefulServer("404");
    const transport = new StreamableHTTPClientTransport(new URL("http://stateful.test/mcp"), {
      fetch: server.fetch,
    });
    const client = new Client({ name: "test", version: "1.0.0" });
    clients.push(client);
    await client.connect(transport);
    server.restart();
    await expect(client.callTool({ name: "count", arguments: { by: 1 } })).rejects.toThrow(
      /404|Session not found/,
    );
  });

  it("without an earlier initialize through this fetch, the 404 is handed back as is", async () => {
    const server = statefulServer("404");
    const fetch = createResilientFetch({ fetch: server.fetch });
    const response = await fetch("http://stateful.test/mcp", {
      method: "POST",
      headers: { "content-type": "application/json", "mcp-session-id": "gone" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(404);
    expect(server.log).toHaveLength(1);
  });
});
