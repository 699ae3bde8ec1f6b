import type { CallToolResult } from "@modelcontextprotocol/client";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import { TOOLS } from "../../src/tools/schemas/registry.js";
import { callTool, startFastEmulator, waitFor } from "../emulator/helpers.js";
import {
  callWithProgress,
  type LocalServer,
  startLocalServer,
  structured,
  trackOpenStreams,
} from "./helpers.js";

let emulator: Emulator;
let server: LocalServer;
let planId: string;

beforeAll(async () => {
  emulator = await startFastEmulator(500);
  server = await startLocalServer(emulator.url);
  const { result } = await callWithProgress(server.client, "plan_create", {
    prompt: "A plan that lives through deploys of the local MCP server",
  });
  planId = String(structured(result).plan_id);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await emulator?.stop({ graceMs: 500 });
});

/** Resolves once the edge answers 502 (every replica is gone). */
async function edgeDown(): Promise<void> {
  await waitFor(
    async () => {
      const response = await fetch(`${emulator.url}/healthcheck`);
      await response.body?.cancel();
      return response.status === 502;
    },
    { what: "the edge to answer 502", everyMs: 50 },
  );
}

/** PlanExe's own description of `name`, asked without the local server in between. */
async function planexeDescription(name: string): Promise<string | undefined> {
  const client = new Client({ name: "reference", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${emulator.url}/mcp`)));
  try {
    const { tools } = await client.listTools();
    return tools.find((tool) => tool.name === name)?.description;
  } finally {
    await client.close();
  }
}

describe("planexe-client mcp through emulator deploys", () => {
  it("started during a deploy: the built-in list at once, PlanExe's own after list_changed", async () => {
    const deploying = emulator.deploy({ mode: "restart", windowMs: 5000, graceMs: 500 });
    await edgeDown();
    const during = await startLocalServer(emulator.url);
    try {
      let changed = 0;
      during.client.setNotificationHandler("notifications/tools/list_changed", () => {
        changed += 1;
      });
      const before = await during.client.listTools();
      const builtin = before.tools.find((tool) => tool.name === "plan_status")?.description;
      expect(builtin?.startsWith(TOOLS.plan_status.description)).toBe(true);
      expect(changed).toBe(0);
      await deploying;
      await waitFor(() => changed > 0, { what: "notifications/tools/list_changed" });
      const own = await planexeDescription("plan_status");
      expect(own).not.toBe(TOOLS.plan_status.description);
      const after = await during.client.listTools();
      const live = after.tools.find((tool) => tool.name === "plan_status")?.description;
      expect(live?.startsWith(own ?? "-")).toBe(true);
      expect(after.tools.map((tool) => tool.name)).toContain("plan_wait");
    } finally {
      await during.close();
    }
  }, 60_000);

  it("plan_status once a second through a restart deploy: every call succeeds", async () => {
    const deploying = emulator.deploy({ mode: "restart", windowMs: 3000, graceMs: 500 });
    let deployed = false;
    void deploying.then(
      () => {
        deployed = true;
      },
      () => {
        deployed = true;
      },
    );
    await edgeDown();
    const calls: Array<ReturnType<typeof callWithProgress>> = [];
    while (!deployed) {
      calls.push(callWithProgress(server.client, "plan_status", { plan_id: planId }));
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    calls.push(callWithProgress(server.client, "plan_status", { plan_id: planId }));
    const report = await deploying;
    expect(report.unavailableMs).toBeGreaterThanOrEqual(3000);
    expect(calls.length).toBeGreaterThanOrEqual(4);
    const results = await Promise.all(calls);
    expect(results.filter((r) => r.result.isError).map((r) => r.result.content)).toEqual([]);
    for (const { result } of results) expect(structured(result).plan_id).toBe(planId);
  }, 60_000);

  it("a window longer than the budget gives the structured isError result, then the server answers again", async () => {
    const short = await startLocalServer(emulator.url, ["--call-budget", "2s"]);
    try {
      const deploying = emulator.deploy({ mode: "restart", windowMs: 6000, graceMs: 500 });
      await edgeDown();
      const started = Date.now();
      const { result, progress } = await callWithProgress(short.client, "plan_status", {
        plan_id: planId,
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result.isError).toBe(true);
      expect(structured(result).error).toMatchObject({ code: "PLANEXE_UNAVAILABLE" });
      const text = JSON.stringify(result.content);
      expect(text).not.toMatch(/<html|<!doctype|502 Bad Gateway/i);
      expect(progress.at(0)?.message).toMatch(/unreachable/);
      await deploying;
      const again = await callWithProgress(short.client, "plan_status", { plan_id: planId });
      expect(again.result.isError).toBeFalsy();
      expect(structured(again.result).plan_id).toBe(planId);
    } finally {
      await short.close();
    }
  }, 60_000);

  it("plan_wait keeps reporting progress through a restart deploy", async () => {
    const created = await callWithProgress(server.client, "plan_create", {
      prompt: "A plan followed with plan_wait through a deploy",
    });
    const id = String(structured(created.result).plan_id);
    const seen: Array<{ at: number; progress: number }> = [];
    let deployedAt = Number.POSITIVE_INFINITY;
    let deploying: Promise<unknown> | undefined;
    const waiting = server.client.callTool(
      { name: "plan_wait", arguments: { plan_id: id, timeout_s: 15 } },
      {
        onprogress: (p) => {
          seen.push({ at: Date.now(), progress: p.progress });
          deploying ??= emulator
            .deploy({ mode: "restart", windowMs: 2000, graceMs: 500 })
            .then(() => {
              deployedAt = Date.now();
            });
        },
        timeout: 300_000,
      },
    );
    const result = await waiting;
    await deploying;
    expect(result.isError).toBeFalsy();
    expect(structured(result as CallToolResult)).toMatchObject({ done: false, plan_id: id });
    expect(seen.some((s) => s.at > deployedAt)).toBe(true);
    const values = seen.map((s) => s.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  }, 60_000);

  it("a cancelled plan_wait stops its progress stream at once", async () => {
    // A fresh plan: the first one may be near its end by now.
    const created = await callWithProgress(server.client, "plan_create", {
      prompt: "A plan whose watcher is cancelled",
    });
    const id = String(structured(created.result).plan_id);
    const streams = trackOpenStreams();
    try {
      const controller = new AbortController();
      const progress: unknown[] = [];
      const waiting = server.client
        .callTool(
          { name: "plan_wait", arguments: { plan_id: id, timeout_s: 100 } },
          {
            onprogress: (p) => {
              progress.push(p);
              controller.abort(new Error("the user pressed stop"));
            },
            signal: controller.signal,
            timeout: 300_000,
          },
        )
        .catch((error: unknown) => error);
      await waitFor(() => streams.opened() > 0, { what: "plan_wait to open the stream" });
      expect(await waiting).toBeInstanceOf(Error);
      expect(progress.length).toBeGreaterThan(0);
      await waitFor(() => streams.open() === 0, { what: "the stream to close", timeoutMs: 5000 });
      // The plan itself goes on (queued or running, as the worker has it): only the watch was stopped.
      const status = await callTool(emulator.url, "plan_status", { plan_id: id });
      expect(["pending", "processing"]).toContain(status.result?.state);
    } finally {
      streams.stop();
    }
  }, 60_000);
});
