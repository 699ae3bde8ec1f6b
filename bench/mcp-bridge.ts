/**
 * The local MCP server vs mcp-remote, side by side: each bridge runs as a host
 * runs it (a child process, the MCP SDK's stdio client on its pipes) in front of
 * a fresh emulator, through the same restart deploy, with `plan_status` called
 * once a second from before the deploy until after the new replica is healthy.
 * Then a cold start: the bridge is started while every replica is down.
 *
 *   tsx bench/mcp-bridge.ts [--window 20] [--cold-window 10]
 *
 * Needs `dist/` (`npx tsup`); mcp-remote comes from the pinned devDependency.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { type Emulator, startEmulator } from "../src/emulator/index.js";
import { PlanExeClient } from "../src/index.js";
import { readFlags } from "./lib/args.js";
import { machineInfo, printTable, writeResult } from "./lib/report.js";
import { BRIDGES, type BridgeName, type RunningBridge, startBridge } from "./mcp/bridges.js";

/** One `plan_status` call as the host saw it. */
interface CallRecord {
  startedAt: number;
  endedAt: number;
  ok: boolean;
  /** What the model would read when it failed (first 120 characters). */
  errorText?: string;
}

interface DeployRun {
  calls: CallRecord[];
  windowMs: number;
  unavailableMs: number;
  /** From the new replica healthy to the end of the first good answer after it, in ms. */
  healthyToFirstGoodMs: number | null;
  bridgeAliveAfter: boolean;
}

interface ColdStart {
  connected: boolean;
  toolsListed: number;
  aliveAfterWindow: boolean;
  firstCallAfterRecoveryOk: boolean;
  error?: string;
}

const log = (line: string) =>
  process.stdout.write(`  ${new Date().toISOString().slice(11, 19)} ${line}\n`);

function emulatorFor(): Promise<Emulator> {
  return startEmulator({
    port: 0,
    replicas: 1,
    planSeconds: 900,
    healthIntervalMs: 250,
    graceMs: 2000,
    // PlanExe with auth off: the bridges under test are started without a key; this measures deploys, not auth.
    auth: false,
  });
}

async function createPlan(baseUrl: string): Promise<string> {
  const client = new PlanExeClient({ baseUrl });
  try {
    return (await client.createPlan("A plan watched through a deploy by an MCP host")).plan_id;
  } finally {
    await client.close();
  }
}

async function edgeDown(baseUrl: string): Promise<void> {
  for (;;) {
    const response = await fetch(`${baseUrl}/healthcheck`).catch(() => undefined);
    await response?.body?.cancel();
    if (response?.status === 502) return;
    await delay(50);
  }
}

function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === "text" ? first.text : JSON.stringify(result.content);
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim().slice(0, 120);

async function call(bridge: RunningBridge, planId: string): Promise<CallRecord> {
  const startedAt = Date.now();
  try {
    const result = (await bridge.client.callTool(
      { name: "plan_status", arguments: { plan_id: planId } },
      // Claude Desktop's limit, about 4 minutes.
      { timeout: 240_000 },
    )) as CallToolResult;
    const endedAt = Date.now();
    if (result.isError)
      return { startedAt, endedAt, ok: false, errorText: oneLine(textOf(result)) };
    return { startedAt, endedAt, ok: true };
  } catch (error) {
    return { startedAt, endedAt: Date.now(), ok: false, errorText: oneLine(String(error)) };
  }
}

async function deployRun(name: BridgeName, windowMs: number): Promise<DeployRun> {
  const emulator = await emulatorFor();
  try {
    const planId = await createPlan(emulator.url);
    const bridge = await startBridge(name, emulator.url);
    const pending: Array<Promise<CallRecord>> = [];
    const tick = async (n: number) => {
      for (let i = 0; i < n; i++) {
        pending.push(call(bridge, planId));
        await delay(1000);
      }
    };
    await tick(3);
    const deployStart = Date.now();
    const deploying = emulator.deploy({ mode: "restart", windowMs, graceMs: 2000 });
    let report: Awaited<typeof deploying> | undefined;
    void deploying.then((r) => {
      report = r;
    });
    log(`${name}: restart deploy, ${windowMs / 1000} s window`);
    while (!report) await tick(1);
    const healthyAt = deployStart + report.unavailableMs;
    // Keep calling for a while after the new replica is healthy, as a model would.
    await tick(8);
    const calls = await Promise.all(pending);
    const firstGood = calls
      .filter((c) => c.ok && c.endedAt >= healthyAt)
      .map((c) => c.endedAt)
      .sort((a, b) => a - b)[0];
    const alive = !bridge.exited();
    await bridge.close().catch(() => {});
    return {
      calls,
      windowMs,
      unavailableMs: report.unavailableMs,
      healthyToFirstGoodMs: firstGood === undefined ? null : firstGood - healthyAt,
      bridgeAliveAfter: alive,
    };
  } finally {
    await emulator.stop({ graceMs: 500 });
  }
}

async function coldStart(name: BridgeName, windowMs: number): Promise<ColdStart> {
  const emulator = await emulatorFor();
  try {
    const planId = await createPlan(emulator.url);
    const deploying = emulator.deploy({ mode: "restart", windowMs, graceMs: 500 });
    await edgeDown(emulator.url);
    log(`${name}: cold start while every replica is down`);
    let bridge: RunningBridge | undefined;
    const result: ColdStart = {
      connected: false,
      toolsListed: 0,
      aliveAfterWindow: false,
      firstCallAfterRecoveryOk: false,
    };
    try {
      bridge = await startBridge(name, emulator.url, windowMs + 30_000);
      result.connected = true;
      result.toolsListed = (await bridge.client.listTools()).tools.length;
    } catch (error) {
      result.error = oneLine(String(error));
    }
    await deploying;
    result.aliveAfterWindow = bridge !== undefined && !bridge.exited();
    if (bridge && result.aliveAfterWindow)
      result.firstCallAfterRecoveryOk = (await call(bridge, planId)).ok;
    await bridge?.close().catch(() => {});
    return result;
  } finally {
    await emulator.stop({ graceMs: 500 });
  }
}

/** The distinct error texts of `calls`, with how many times each was seen. */
function errorTexts(calls: CallRecord[]): Array<{ text: string; count: number }> {
  const counts = new Map<string, number>();
  for (const c of calls)
    if (c.errorText) counts.set(c.errorText, (counts.get(c.errorText) ?? 0) + 1);
  return [...counts].map(([text, count]) => ({ text, count }));
}

async function main(): Promise<void> {
  const flags = readFlags({ window: 20, "cold-window": 10 });
  const machine = machineInfo();
  const results: Record<
    string,
    { deploy: DeployRun; cold: ColdStart; errors: ReturnType<typeof errorTexts> }
  > = {};
  for (const name of BRIDGES) {
    const deploy = await deployRun(name, flags.window * 1000);
    const cold = await coldStart(name, flags["cold-window"] * 1000);
    results[name] = { deploy, cold, errors: errorTexts(deploy.calls) };
  }
  const rows = BRIDGES.map((name) => {
    const r = results[name];
    if (!r) return [name];
    const failed = r.deploy.calls.filter((c) => !c.ok).length;
    const cold = r.cold.connected
      ? `connected, ${r.cold.toolsListed} tools; ${r.cold.firstCallAfterRecoveryOk ? "first call after recovery ok" : "first call after recovery failed"}`
      : `failed (${r.cold.aliveAfterWindow ? "alive" : "exited"})`;
    return [
      name,
      String(r.deploy.calls.length),
      String(failed),
      r.errors.map((e) => `${e.count}× "${e.text.slice(0, 90)}"`).join("; ") || "—",
      r.deploy.healthyToFirstGoodMs === null
        ? "never"
        : `${(r.deploy.healthyToFirstGoodMs / 1000).toFixed(1)} s`,
      r.deploy.bridgeAliveAfter ? "yes" : "no",
      cold,
    ];
  });
  printTable(
    `plan_status once a second through a ${flags.window} s restart deploy; cold start in a ${flags["cold-window"]} s window`,
    [
      "bridge",
      "calls",
      "failed",
      "error texts the model saw",
      "healthy → first good answer",
      "bridge up after",
      "cold start while down",
    ],
    rows,
  );
  const file = writeResult("mcp-bridge", { flags, results }, machine);
  process.stdout.write(`wrote ${file}\n`);
}

await main();
