// PlanExeClient's own MCP Streamable HTTP client (src/tools/mcp-http.ts) on the wire,
// against the one PlanExe double: the answer forms a Streamable HTTP server may give,
// the headers each request carries, and the requests it never makes.
import { describe, expect, it } from "vitest";
import { serverSession } from "../../src/client.js";
import { ProtocolError } from "../../src/errors/index.js";
import type { FetchFunction } from "../../src/transport/http/fetch-function.js";
import { planexeResult, rpcResult } from "../contract/fixtures.js";
import { KEY, rejection, setup } from "./helpers.js";

const PROMPTS = planexeResult("example_prompts", "the catalog's prompts") as {
  structuredContent: { samples: string[] };
};

/** A client on the double whose every request's headers and JSON-RPC method are recorded. */
function recorded() {
  const sent: { method: string; rpc: string | undefined; headers: Headers }[] = [];
  let inner: FetchFunction = () => Promise.reject(new Error("not ready"));
  const fetch: FetchFunction = (input, init) => {
    const body =
      typeof init?.body === "string" ? (JSON.parse(init.body) as { method?: string }) : {};
    sent.push({
      method: init?.method ?? "GET",
      rpc: body.method,
      headers: new Headers(init?.headers),
    });
    return inner(input, init);
  };
  const env = setup({}, { fetch });
  inner = env.double.fetch;
  return { ...env, sent };
}

function eventStream(...events: unknown[]): Response {
  const text = events.map((event) => `event: message\ndata: ${JSON.stringify(event)}\n\n`).join("");
  return new Response(text, { headers: { "content-type": "text/event-stream" } });
}

/** A server's log notification, which a client passes over. */
const logMessage = (data: string) => ({
  jsonrpc: "2.0",
  method: "notifications/message",
  params: { level: "info", data },
});

describe("PlanExeClient's MCP over Streamable HTTP", () => {
  it("reads a JSON answer (PlanExe's form)", async () => {
    const { double, client, run } = recorded();
    double.answerNext({ tool: "example_prompts", respond: ({ id }) => rpcResult(id, PROMPTS) });
    const answer = await run(client.examplePrompts());
    expect(answer.samples).toEqual(PROMPTS.structuredContent.samples);
  });

  it("reads an event-stream answer, passing over a notification and a server request before the response", async () => {
    const { double, client, run } = recorded();
    double.answerNext({
      tool: "example_prompts",
      respond: ({ id }) =>
        eventStream(
          logMessage("hi"),
          { jsonrpc: "2.0", id: 900, method: "ping" },
          { jsonrpc: "2.0", id, result: PROMPTS },
          logMessage("late"),
        ),
    });
    const answer = await run(client.examplePrompts());
    expect(answer.samples).toEqual(PROMPTS.structuredContent.samples);
  });

  it("an event stream that ends without the response is INVALID_RESPONSE, not a hang", async () => {
    const { double, client, run } = recorded();
    double.answerNext({
      tool: "example_prompts",
      respond: () =>
        eventStream({ jsonrpc: "2.0", method: "notifications/progress", params: { progress: 1 } }),
    });
    const error = await run(rejection(client.examplePrompts()));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe("INVALID_RESPONSE");
    expect(error.message).toMatch(/ended without the response/);
  });

  it("a 2xx HTML page is WRONG_CONTENT_TYPE", async () => {
    const { double, client, run } = recorded();
    double.answerNext({
      tool: "example_prompts",
      respond: () =>
        new Response("<html><body>Welcome</body></html>", {
          headers: { "content-type": "text/html; charset=utf-8" },
        }),
    });
    const error = await run(rejection(client.examplePrompts()));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe("WRONG_CONTENT_TYPE");
  });

  it.each([
    ["not JSON-RPC", () => Response.json({ detail: "hello" })],
    ["content not a list", (id: unknown) => rpcResult(id, { content: "text" })],
    ["a result that is not an object", (id: unknown) => rpcResult(id, 42)],
    ["an error without a code", (id: unknown) => Response.json({ jsonrpc: "2.0", id, error: {} })],
  ])("an answer of the wrong shape (%s) is INVALID_RESPONSE", async (_, answer) => {
    const { double, client, run } = recorded();
    double.answerNext({ tool: "example_prompts", respond: ({ id }) => answer(id) });
    const error = await run(rejection(client.examplePrompts()));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe("INVALID_RESPONSE");
  });

  it("sends the SDK's headers, the negotiated protocol version after initialize, and never opens GET /mcp", async () => {
    const { double, client, run, sent } = recorded();
    await run(client.examplePrompts());
    await run(serverSession(client).listTools(new AbortController().signal));
    await run(client.examplePrompts());
    expect(sent.map((s) => s.rpc)).toEqual([
      "initialize",
      "notifications/initialized",
      "tools/call",
      "tools/list",
      "tools/call",
    ]);
    for (const { method, headers } of sent) {
      expect(method).toBe("POST");
      expect(headers.get("content-type")).toBe("application/json");
      expect(headers.get("accept")).toBe("application/json, text/event-stream");
      expect(headers.get("x-api-key")).toBe(KEY);
    }
    expect(sent[0]?.headers.get("mcp-protocol-version")).toBeNull();
    for (const later of sent.slice(1))
      expect(later.headers.get("mcp-protocol-version")).toBe("2025-11-25");
    expect(double.requests.count({ method: "GET", path: /^\/mcp/ })).toBe(0);
  });

  it("takes the server's counter-offer of an older protocol version, and refuses one it does not know", async () => {
    const { double, client, run, sent } = recorded();
    const initialize = (protocolVersion: string) =>
      double.answerNext({
        rpcMethod: "initialize",
        respond: ({ id }) =>
          rpcResult(id, {
            protocolVersion,
            capabilities: { tools: {} },
            serverInfo: { name: "planexe", version: "1" },
            instructions: "Call example_prompts first.",
          }),
      });
    initialize("1999-01-01");
    const refused = await run(rejection(client.examplePrompts()));
    expect((refused as ProtocolError).code).toBe("INVALID_RESPONSE");
    expect(refused.message).toMatch(/protocol version is not supported/);

    initialize("2025-03-26");
    await run(client.examplePrompts());
    expect(sent.at(-1)?.headers.get("mcp-protocol-version")).toBe("2025-03-26");
    expect(
      (await run(serverSession(client).listTools(new AbortController().signal))).instructions,
    ).toBe("Call example_prompts first.");
  });
});
