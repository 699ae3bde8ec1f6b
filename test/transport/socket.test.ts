import { afterEach, describe, expect, it } from "vitest";
import { TransportError } from "../../src/errors/index.js";
import { createResilientFetch } from "../../src/transport/index.js";
import { rpc, rpcInit } from "./helpers.js";
import { freePort, type Handler, sendJson, startServer } from "./local-server.js";

const KEY = "pex_socket_test_key_0123456789";
const STATUS = rpc("tools/call", { name: "plan_status", arguments: { plan_id: "p" } }, 7);
const CREATE = rpc("tools/call", { name: "plan_stop", arguments: { plan_id: "p" } }, 8);
const answer = { jsonrpc: "2.0", id: 7, result: { structuredContent: { state: "processing" } } };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Answers /healthcheck; the first `faults` calls to /mcp get `fault`, the rest a JSON answer. */
async function serverWith(fault: Handler, faults = 1, port = 0) {
  let left = faults;
  const server = await startServer((req, res, body) => {
    if (req.url === "/healthcheck") return sendJson(res, { status: "healthy" });
    if (left-- > 0) return fault(req, res, body);
    sendJson(res, answer);
  }, port);
  closers.push(server.close);
  return { ...server, calls: () => server.count("/mcp") };
}

const client = (extra: Parameters<typeof createResilientFetch>[0] = {}) =>
  createResilientFetch({
    retry: { attemptTimeoutMs: 300, minDelayMs: 10, maxDelayMs: 20 },
    probeIntervalMs: 50,
    resendable: ({ toolName }) => (toolName === "plan_status" ? true : undefined),
    ...extra,
  });

describe("socket-level faults (real node:http on 127.0.0.1)", () => {
  it("a connection reset before the response is retried for a read-only tool", async () => {
    const server = await serverWith((req) => req.socket.resetAndDestroy(), 2);
    const response = await client()(`${server.url}/mcp`, rpcInit(STATUS, { "x-api-key": KEY }));
    expect(await response.json()).toEqual(answer);
    expect(server.calls()).toBe(3);
    expect(server.received.filter((r) => r.path === "/mcp").every((r) => r.body === STATUS)).toBe(
      true,
    );
  });

  it("a response that stalls after its headers is retried for a read-only tool", async () => {
    const server = await serverWith((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"jsonrpc":"2.0",');
    });
    const retries: string[] = [];
    const response = await client({ onRetry: (i) => retries.push(i.cause.code) })(
      `${server.url}/mcp`,
      rpcInit(STATUS),
    );
    expect(await response.json()).toEqual(answer);
    expect(retries).toEqual(["ATTEMPT_TIMEOUT"]);
    expect(server.calls()).toBe(2);
  });

  it("a reset of a call that is not safe to repeat is not resent: TransportError, one tools/call", async () => {
    const server = await serverWith((req) => req.socket.resetAndDestroy(), 1);
    const error = await client()(`${server.url}/mcp`, rpcInit(CREATE, { "x-api-key": KEY })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe("NETWORK_ERROR");
    expect((error as TransportError).message).not.toContain(KEY);
    const bodies = server.received.filter((r) => r.path === "/mcp").map((r) => r.body);
    // The tool was never listed: the fetch asked tools/list (no annotations came back), then gave up.
    expect(bodies.filter((b) => b.includes('"tools/call"'))).toHaveLength(1);
    expect(bodies.filter((b) => b.includes('"tools/list"'))).toHaveLength(1);
  });

  it("connection refused is retried (even for a call not safe to repeat) until the server listens", async () => {
    const port = await freePort();
    let starting = false;
    const causes: string[] = [];
    const fetch = client({
      onRetry: (info) => {
        causes.push(info.cause.message);
        if (starting) return;
        starting = true;
        void serverWith(() => {}, 0, port);
      },
    });
    const response = await fetch(`http://127.0.0.1:${port}/mcp`, rpcInit(CREATE));
    expect(response.status).toBe(200);
    expect(causes[0]).toContain("could not connect");
  });
});
