import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOUBLE_API_KEY, type Emulator, startEmulator } from "../../src/emulator/index.js";
import { MAIN, runCli } from "../cli/helpers.js";
import { type LocalProxy, startLocalProxy } from "../cli/proxy-server.js";
import { callWithProgress, startLocalServer, structured } from "./helpers.js";

let emulator: Emulator;
let proxy: LocalProxy;
let edge: string;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, replicas: 1, healthIntervalMs: 100, graceMs: 500 });
  proxy = await startLocalProxy();
  edge = new URL(emulator.url).host;
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await emulator?.stop({ graceMs: 500 });
});

describe("HTTP_PROXY / HTTPS_PROXY / NO_PROXY", () => {
  it("the local MCP server reaches PlanExe through the proxy", async () => {
    const before = proxy.seen.length;
    const server = await startLocalServer(emulator.url, [], { HTTP_PROXY: proxy.url });
    try {
      const { result } = await callWithProgress(server.client, "example_prompts", {});
      expect(result.isError).toBeFalsy();
      expect(structured(result).samples).toEqual(expect.any(Array));
    } finally {
      await server.close();
    }
    expect(proxy.seen.slice(before)).toContain(edge);
  });

  it("a CLI command goes through the proxy, and NO_PROXY bypasses it", async () => {
    const before = proxy.seen.length;
    const viaProxy = await runCli(MAIN, ["list", "--url", emulator.url, "--json"], {
      HTTP_PROXY: proxy.url,
      PLANEXE_API_KEY: DOUBLE_API_KEY,
    });
    expect(viaProxy.code).toBe(0);
    const afterProxied = proxy.seen.length;
    expect(proxy.seen.slice(before)).toContain(edge);

    const direct = await runCli(MAIN, ["list", "--url", emulator.url, "--json"], {
      HTTP_PROXY: proxy.url,
      NO_PROXY: "127.0.0.1",
      PLANEXE_API_KEY: DOUBLE_API_KEY,
    });
    expect(direct.code).toBe(0);
    expect(proxy.seen.length).toBe(afterProxied);
  });
});
