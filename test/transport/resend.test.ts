import { describe, expect, it } from "vitest";
import { TransportError } from "../../src/errors/index.js";
import { createResilientFetch } from "../../src/transport/index.js";
import { badGateway, createManualClock, json, rpc, rpcInit, scriptedFetch } from "./helpers.js";

const MCP = "http://mcp.test/mcp";
const refused = () =>
  Promise.reject(
    new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    }),
  );
const reset = () =>
  Promise.reject(
    new TypeError("fetch failed", {
      cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
    }),
  );

const toolList = {
  jsonrpc: "2.0",
  id: 1,
  result: {
    tools: [
      { name: "lookup", inputSchema: { type: "object" }, annotations: { readOnlyHint: true } },
      { name: "upsert", inputSchema: { type: "object" }, annotations: { idempotentHint: true } },
      { name: "charge", inputSchema: { type: "object" }, annotations: { readOnlyHint: false } },
    ],
  },
};

function server(failures: () => Promise<Response> | Response, failCount = 1) {
  const clock = createManualClock();
  let failed = 0;
  const s = scriptedFetch(clock, (request) => {
    if (request.path === "/healthcheck") return json({ status: "healthy" });
    if (request.body.includes('"tools/list"')) return json(toolList);
    if (failed < failCount) {
      failed++;
      return failures();
    }
    return json({ jsonrpc: "2.0", id: 2, result: { content: [] } });
  });
  return { clock, ...s, calls: () => s.seen.filter((r) => r.body.includes("tools/call")).length };
}

describe("which calls are sent again (any MCP server)", () => {
  for (const [name, fail] of [
    ["a 502", badGateway],
    ["a reset", reset],
  ] as const) {
    it(`a tools/call of an unannotated tool is not resent after ${name}: TransportError, one request`, async () => {
      const s = server(fail);
      const fetch = createResilientFetch({ fetch: s.fetch, clock: s.clock });
      await s.clock.runUntil(fetch(MCP, rpcInit(rpc("tools/list"))));
      const error = await s.clock
        .runUntil(fetch(MCP, rpcInit(rpc("tools/call", { name: "charge", arguments: {} }, 2))))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).message).toContain("not sent again");
      expect(fetch.episode?.state).toBe("down"); // the client's other calls now wait on the probe
      await s.clock.advance(200_000);
      expect(s.calls()).toBe(1);
    });
  }

  for (const tool of ["lookup", "upsert"]) {
    it(`a tools/call of "${tool}" (listed read-only/idempotent) is resent after a reset`, async () => {
      const s = server(reset, 2);
      const fetch = createResilientFetch({ fetch: s.fetch, clock: s.clock });
      await s.clock.runUntil(fetch(MCP, rpcInit(rpc("tools/list"))));
      const response = await s.clock.runUntil(
        fetch(MCP, rpcInit(rpc("tools/call", { name: tool, arguments: {} }, 2))),
      );
      expect(response.status).toBe(200);
      expect(s.calls()).toBe(3);
    });
  }

  it("learns annotations from a tools/list answered as an event stream", async () => {
    const clock = createManualClock();
    let failed = false;
    const s = scriptedFetch(clock, (request) => {
      if (request.path === "/healthcheck") return json({});
      if (request.body.includes('"tools/list"'))
        return new Response(`event: message\ndata: ${JSON.stringify(toolList)}\n\n`, {
          headers: { "content-type": "text/event-stream" },
        });
      if (!failed) {
        failed = true;
        return badGateway();
      }
      return json({ jsonrpc: "2.0", id: 2, result: {} });
    });
    const fetch = createResilientFetch({ fetch: s.fetch, clock });
    const list = await clock.runUntil(fetch(MCP, rpcInit(rpc("tools/list"))));
    expect(await list.text()).toContain("lookup");
    const response = await clock.runUntil(
      fetch(MCP, rpcInit(rpc("tools/call", { name: "lookup", arguments: {} }, 2))),
    );
    expect(response.status).toBe(200);
  });

  it("a call that never left (connection refused) is always resent", async () => {
    const s = server(refused, 3);
    const fetch = createResilientFetch({ fetch: s.fetch, clock: s.clock });
    const response = await s.clock.runUntil(
      fetch(MCP, rpcInit(rpc("tools/call", { name: "charge", arguments: {} }, 2))),
    );
    expect(response.status).toBe(200);
    expect(s.calls()).toBe(4);
  });

  it("a 503 (the server says it did not act) is resent for any call", async () => {
    const s = server(() => new Response("busy", { status: 503 }), 2);
    const fetch = createResilientFetch({ fetch: s.fetch, clock: s.clock });
    const response = await s.clock.runUntil(
      fetch(MCP, rpcInit(rpc("tools/call", { name: "charge", arguments: {} }, 2))),
    );
    expect(response.status).toBe(200);
  });

  it("the resendable hook decides for PlanExe tools (and PlanExe's REST mirror)", async () => {
    const clock = createManualClock();
    let failures = 2;
    const s = {
      clock,
      ...scriptedFetch(clock, (request) => {
        if (request.path === "/healthcheck") return json({});
        if (failures-- > 0) return badGateway();
        return json({ jsonrpc: "2.0", id: 2, result: {} });
      }),
    };
    const fetch = createResilientFetch({
      fetch: s.fetch,
      clock: s.clock,
      resendable: ({ toolName }) =>
        toolName === undefined ? undefined : toolName === "plan_create",
    });
    const response = await s.clock.runUntil(
      fetch(
        "http://mcp.test/mcp/tools/call",
        rpcInit('{"tool":"plan_create","arguments":{"prompt":"p"}}'),
      ),
    );
    expect(response.status).toBe(200);
    expect(s.seen.filter((r) => r.body.includes("plan_create"))).toHaveLength(3);
    failures = 1;
    const other = await s.clock
      .runUntil(fetch(MCP, rpcInit(rpc("tools/call", { name: "plan_retry", arguments: {} }, 3))))
      .catch((e: unknown) => (e as TransportError).code);
    expect(other).toBe("HTTP_ERROR");
    expect(s.seen.filter((r) => r.body.includes("plan_retry"))).toHaveLength(1);
  });

  it("initialize and tools/list are resent after a reset", async () => {
    const s = server(reset, 2);
    const fetch = createResilientFetch({ fetch: s.fetch, clock: s.clock });
    const response = await s.clock.runUntil(fetch(MCP, rpcInit(rpc("initialize", {}))));
    expect(response.status).toBe(200);
  });
});

describe("a call that probes a 429 gate and then needs tools/list", () => {
  it("lets its own tools/list through the gate instead of waiting on itself", async () => {
    const clock = createManualClock();
    const start = clock.now();
    let call = 0;
    const s = scriptedFetch(clock, (request) => {
      if (request.path === "/healthcheck") return json({ status: "healthy" });
      if (request.body.includes('"tools/list"')) return json(toolList);
      call++;
      if (call === 1) return json({ detail: "Rate limit exceeded" }, { status: 429 });
      if (call === 2) return reset();
      return json({ jsonrpc: "2.0", id: 2, result: { content: [] } });
    });
    const fetch = createResilientFetch({ fetch: s.fetch, clock, retry: { random: () => 0.5 } });
    const headers = { "x-api-key": "pex_gate_probe_key_0000" };
    const response = await clock.runUntil(
      fetch(MCP, rpcInit(rpc("tools/call", { name: "lookup", arguments: {} }), headers)),
    );
    expect(response.status).toBe(200);
    // The 429, the probe a second later (reset), its tools/list, the resend: no wait on itself.
    expect(clock.now() - start).toBeLessThan(5_000);
    expect(s.seen.some((r) => r.body.includes('"tools/list"'))).toBe(true);
  });
});
