import { inspect } from "node:util";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { createManualClock } from "../../src/testing/index.js";
import { createResilientFetch } from "../../src/transport/index.js";
import { BASE, startDouble, stopDoubles } from "../testing/helpers.js";
import { startServer } from "./local-server.js";

/**
 * A plain MCP SDK `Client` over `createResilientFetch()` with no wiring at all: no
 * `resendable` hook, and it never calls `listTools()`. The fetch learns what it needs.
 * Both SDKs users run: the split v2 client this package depends on, and the 1.x
 * `@modelcontextprotocol/sdk` (a devDependency only, for this leg).
 */

type ToolAnswer = { structuredContent?: Record<string, unknown>; isError?: boolean };
interface PlainSdk {
  name: string;
  /** Connects a `Client` of this SDK to `url` over `fetch`, sending `headers`. */
  connect(
    url: string,
    fetch: typeof globalThis.fetch,
    headers: Record<string, string>,
  ): {
    connected: Promise<void>;
    callTool(name: string, args: object): Promise<ToolAnswer>;
    close(): Promise<void>;
  };
}

const SDKS: PlainSdk[] = [
  {
    name: "@modelcontextprotocol/client 2.x",
    connect(url, fetch, headers) {
      const client = new Client({ name: "plain", version: "1.0.0" });
      const transport = new StreamableHTTPClientTransport(new URL(url), {
        fetch,
        requestInit: { headers },
      });
      return {
        connected: client.connect(transport),
        callTool: (name, args) =>
          client.callTool(
            { name, arguments: { ...args } },
            { timeout: 600_000 },
          ) as Promise<ToolAnswer>,
        close: () => client.close(),
      };
    },
  },
  {
    name: "@modelcontextprotocol/sdk 1.x",
    connect(url, fetch, headers) {
      const client = new V1Client({ name: "plain", version: "1.0.0" });
      const transport = new V1Transport(new URL(url), { fetch, requestInit: { headers } });
      return {
        connected: client.connect(transport),
        callTool: (name, args) =>
          client.callTool({ name, arguments: { ...args } }, undefined, {
            timeout: 600_000,
          }) as Promise<ToolAnswer>,
        close: () => client.close(),
      };
    },
  },
];

const KEY = "pex_plain_sdk_key_0123456789abcdef";
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  stopDoubles();
});

async function plainClient(sdk: PlainSdk, options: { attemptTimeoutMs?: number } = {}) {
  const clock = createManualClock();
  const fetch = createResilientFetch({
    clock,
    ...(options.attemptTimeoutMs !== undefined && {
      retry: { attemptTimeoutMs: options.attemptTimeoutMs },
    }),
  });
  const double = startDouble({ baseUrl: BASE, clock, apiKeys: [KEY], planSeconds: 600 });
  const client = sdk.connect(`${BASE}/mcp`, fetch, { "X-API-Key": KEY });
  await clock.runUntil(client.connected);
  closers.push(() => client.close());
  const created = double.world.callTool("plan_create", { prompt: "A ferry timetable" });
  if (!created.ok) throw new Error("plan_create failed in the world");
  const planId = created.result.plan_id as string;
  const call = (name: string, args: Record<string, unknown>) =>
    clock.runUntil(client.callTool(name, args), { maxMs: 600_000 });
  return { clock, double, planId, call };
}

describe.each(SDKS)(
  "a plain $name Client that never lists tools, over createResilientFetch()",
  (sdk) => {
    it("rides out a 120 s restart window (502s) on a read-only tool", async () => {
      const { double, planId, call } = await plainClient(sdk);
      const window = double.deploy.restart({ windowMs: 120_000 });
      const result = await call("plan_status", { plan_id: planId });
      expect(result.structuredContent).toMatchObject({ plan_id: planId });
      expect(window.state).toBe("done");
      // It asked tools/list itself, once, after the window.
      expect(double.requests.count({ rpcMethod: "tools/list" })).toBe(1);
    });

    it("rides out a reset before the answer (the server acted) on a read-only tool", async () => {
      const { double, planId, call } = await plainClient(sdk);
      double.failNext({ tool: "plan_status", after: "response-lost" });
      const result = await call("plan_status", { plan_id: planId });
      expect(result.structuredContent).toMatchObject({ plan_id: planId });
      expect(double.requests.count({ tool: "plan_status" })).toBe(2);
    });

    it("rides out a body that stalls after its headers on a read-only tool", async () => {
      const { double, planId, call, clock } = await plainClient(sdk, { attemptTimeoutMs: 10_000 });
      double.failNext({ tool: "plan_status", after: "stall-body" });
      const started = clock.now();
      const result = await call("plan_status", { plan_id: planId });
      expect(result.structuredContent).toMatchObject({ plan_id: planId });
      expect(double.requests.count({ tool: "plan_status" })).toBe(2);
      expect(clock.now() - started).toBeGreaterThanOrEqual(10_000);
    });

    it("never resends a call that is not idempotent, even after learning the list", async () => {
      const { double, planId, call } = await plainClient(sdk);
      double.world.failPlan(planId);
      double.failNext({ tool: "plan_retry", after: "response-lost" });
      await expect(call("plan_retry", { plan_id: planId })).rejects.toMatchObject({
        name: "TransportError",
        code: "NETWORK_ERROR",
      });
      expect(double.requests.count({ tool: "plan_retry" })).toBe(1);
      expect(double.requests.count({ rpcMethod: "tools/list" })).toBe(1);
      expect(double.world.getPlan(planId)?.run).toBe(1);
    });
  },
);

/** A plain SDK Client connecting to `server` with the key: its error, printed every way a user might. */
async function connectionErrorPrinted(
  sdk: PlainSdk,
  server: { url: string; close(): Promise<void> },
) {
  closers.push(server.close);
  const client = sdk.connect(`${server.url}/mcp`, createResilientFetch(), { "X-API-Key": KEY });
  const error = await client.connected.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  return [
    String(error),
    (error as Error).stack ?? "",
    inspect(error, { depth: 10 }),
    JSON.stringify(error),
  ].join("\n");
}

describe.each(SDKS)("an error body that echoes the key, under $name", (sdk) => {
  it("a 403 whose body echoes the API key gives an SDK error without it, however it is printed", async () => {
    const server = await startServer((req, res) => {
      const key = String(req.headers["x-api-key"]);
      res.writeHead(403, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          detail: `Invalid API key: ${key}`,
          escaped: JSON.stringify(key),
          url: `https://x.test/?k=${encodeURIComponent(key)}`,
        }),
      );
    });
    const printed = await connectionErrorPrinted(sdk, server);
    expect(printed).toContain("403");
    expect(printed).toContain("Invalid API key: ***");
    expect(printed).not.toContain(KEY);
    expect(printed).not.toContain(encodeURIComponent(KEY).slice(0, 20));
  });

  it("a JSON-RPC error on HTTP 200 that echoes the key gives an SDK error without it", async () => {
    const server = await startServer((req, res, body) => {
      const key = String(req.headers["x-api-key"]);
      const id = (JSON.parse(body) as { id?: unknown }).id ?? null;
      res.writeHead(200, { "content-type": "application/json" });
      // Python's json.dumps spacing, as PlanExe writes its -32001.
      res.end(
        `{"jsonrpc": "2.0", "id": ${JSON.stringify(id)}, "error": {"code": -32001, "message": "Invalid API key: ${key}"}}`,
      );
    });
    const printed = await connectionErrorPrinted(sdk, server);
    expect(printed).toContain("Invalid API key: ***");
    expect(printed).not.toContain(KEY);
  });
});

describe.each(SDKS)("many requests at once on $name's one transport signal", (sdk) => {
  it("30 concurrent calls raise no MaxListenersExceededWarning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const { planId, call } = await plainClient(sdk);
      const results = await Promise.all(
        Array.from({ length: 30 }, () => call("plan_status", { plan_id: planId })),
      );
      expect(results.every((r) => r.structuredContent?.plan_id === planId)).toBe(true);
      // Warnings are emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((name) => name === "MaxListenersExceededWarning")).toEqual([]);
  });
});
