/**
 * Deploy survival, side by side: K watchers of K plans on the emulator through a
 * `restart` deploy (every replica stopped, the edge answers 502 for the window,
 * then a new replica), once per client, each client in its own process and on a
 * fresh emulator: `watchPlan`, `PlanExeClient.watch`, the `eventsource` package, a
 * plain MCP SDK client polling `plan_status`, and the `watch-plan` CLI (ten
 * subprocesses of the built CLI, `npm run build` first). Requests are counted at
 * the edge; each run reports peak RSS and CPU seconds of the watchers.
 *
 *   tsx bench/deploy-survival.ts [--watchers 200] [--scale 1] [--clients watchPlan,EventSource,"MCP SDK polling"]
 *
 * `--scale` multiplies the 30 s window, the polling interval (5 s) and the part
 * of the plan's length that follows the setup (plans run 20 s + 50 s × scale).
 */
import { type ChildProcess, fork } from "node:child_process";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../src/emulator/index.js";
import { PlanExeClient } from "../src/index.js";
import { CLIENTS, type ClientName, WATCHER_CAP, type WatchedPlan } from "./deploy/clients.js";
import type { ChildConfig, ChildReport, ParentCommand } from "./deploy/protocol.js";
import type { WatcherRecord } from "./deploy/recorder.js";
import { readFlags } from "./lib/args.js";
import { logEdgeRequests } from "./lib/edge-requests.js";
import { machineInfo, printTable, writeResult } from "./lib/report.js";
import { fmt, quantile } from "./lib/stats.js";

const CHILD = fileURLToPath(new URL("./deploy/child-main.ts", import.meta.url));

interface Timing {
  windowMs: number;
  planSeconds: number;
  pollMs: number;
  settleMs: number;
}

/**
 * The deploy's timing at `scale`. Plans must still be running when the deploy
 * starts, and setting up takes longer with more watchers (on the emulator, each
 * plan_create rewrites the shared state file: ~0.12 s a plan at 1,000 on 2 busy
 * cores), so past 200 watchers plans get 0.15 s more per watcher.
 */
function timing(scale: number, watchers: number): Timing {
  return {
    windowMs: Math.round(30_000 * scale),
    planSeconds: Math.round(20 + 50 * scale + 0.15 * Math.max(0, watchers - 200)),
    pollMs: Math.round(5000 * scale),
    settleMs: Math.round(2000 * scale),
  };
}

async function createPlans(baseUrl: string, count: number, label: string): Promise<WatchedPlan[]> {
  const client = new PlanExeClient({ baseUrl });
  const plans: WatchedPlan[] = [];
  try {
    for (let i = 0; i < count; i += 20) {
      const batch = Array.from({ length: Math.min(20, count - i) }, (_, j) =>
        client.createPlan(`Benchmark plan ${i + j} for ${label}`),
      );
      for (const created of await Promise.all(batch)) {
        if (!created.sse_url) throw new Error("plan_create returned no sse_url");
        plans.push({ plan_id: created.plan_id, sse_url: created.sse_url });
      }
    }
  } finally {
    await client.close();
  }
  return plans;
}

const log = (line: string) =>
  process.stdout.write(`  ${new Date().toISOString().slice(11, 19)} ${line}\n`);

/**
 * How many of the plans the server itself reports `completed` once every plan has
 * ended (or `until` passed): what each watcher should have been told.
 */
async function finalStates(baseUrl: string, plans: WatchedPlan[], until: number): Promise<number> {
  const client = new PlanExeClient({ baseUrl });
  const terminal = new Set(["completed", "failed", "stopped"]);
  try {
    for (;;) {
      const states = [];
      for (const plan of plans) states.push((await client.getStatus(plan.plan_id)).state);
      if (states.every((s) => terminal.has(s)) || Date.now() > until) {
        return states.filter((s) => s === "completed").length;
      }
      await delay(2000);
    }
  } finally {
    await client.close();
  }
}

function nextReport<T extends ChildReport["type"]>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<ChildReport, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no "${type}" from the watchers' process within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (report: ChildReport) => {
      if (report.type !== type) return;
      cleanup();
      resolve(report as Extract<ChildReport, { type: T }>);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the watchers' process exited (${code}) before "${type}"`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

interface RunResult {
  client: ClientName;
  watchers: number;
  completes: number;
  rightState: number;
  gaveUp: number;
  duplicates: number;
  failedCalls: number;
  reconnects: number;
  recovered: number;
  recoveryLagMs: { p50: number; p95: number; max: number };
  windowRequests: number;
  requestsUntilDone: number;
  unavailableMs: number;
  baselineRssMb: number;
  peakRssMb: number;
  peakHeapUsedMb: number;
  /** CPU seconds (user + system) of the watchers' process and its subprocesses. */
  cpuSeconds: number;
  /** The CLI kind: its subprocesses (their peak RSS summed). */
  subprocesses: { count: number; peakRssMb: number; cpuSeconds: number } | undefined;
  runMs: number;
  /** Plans the server reports `completed` after the run. */
  serverCompleted: number;
  /** Watchers still waiting when the bench stopped them. */
  stillRunning: number;
}

/** What a run measured itself (the rest of a {@link RunResult} is summed from the watchers' records). */
type RunMeasures = Pick<
  RunResult,
  | "windowRequests"
  | "requestsUntilDone"
  | "unavailableMs"
  | "baselineRssMb"
  | "peakRssMb"
  | "peakHeapUsedMb"
  | "cpuSeconds"
  | "subprocesses"
  | "runMs"
  | "serverCompleted"
>;

async function runOne(client: ClientName, watchers: number, t: Timing): Promise<RunResult> {
  const started = Date.now();
  const emulator = await startEmulator({
    port: 0,
    replicas: 1,
    planSeconds: t.planSeconds,
    workerConcurrency: watchers,
    maxStreams: 100_000,
    maxStreamsPerClient: 100_000,
    // PlanExe with auth off: the watchers under test (and mcp-remote's) carry no key; this measures deploys, not auth.
    auth: false,
  });
  const edge = logEdgeRequests();
  let child: ChildProcess | undefined;
  try {
    const createdAt = Date.now();
    const plans = await createPlans(emulator.url, watchers, client);
    const config: ChildConfig = { client, baseUrl: emulator.url, plans, pollMs: t.pollMs };
    child = fork(CHILD, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    child.send({ type: "config", config } satisfies ParentCommand);
    const result = nextReport(child, "result", 10 * 60_000);
    result.catch(() => {});
    await nextReport(child, "ready", 120_000);
    log(`${client}: every watcher got through; deploying`);
    await delay(t.settleMs);
    const report = await emulator.deploy({ mode: "restart", windowMs: t.windowMs });
    const deployStart = Date.parse(report.startedAt);
    const healthyAt = deployStart + report.unavailableMs;
    log(`${client}: new replica healthy after ${(report.unavailableMs / 1000).toFixed(1)} s`);
    // Plans end planSeconds after they started; give the watchers that long again, then stop them.
    const timer = new AbortController();
    const deadline = delay(t.planSeconds * 1000 + 60_000, "deadline" as const, {
      signal: timer.signal,
    }).catch(() => "settled" as const);
    const first = await Promise.race([result, deadline]);
    timer.abort();
    if (first === "deadline") {
      log(`${client}: deadline passed; stopping the watchers that are still running`);
      child.send({ type: "stop" } satisfies ParentCommand);
    }
    const { records, baselineRssMb, peakRssMb, peakHeapUsedMb, cpuSeconds, subprocesses } =
      await result;
    const doneAt = Date.now();
    const serverStates = await finalStates(
      emulator.url,
      plans,
      createdAt + t.planSeconds * 1000 + 60_000,
    );
    return summarize(client, records, {
      deployStart,
      healthyAt,
      windowRequests: edge.between(deployStart, healthyAt),
      requestsUntilDone: edge.between(deployStart, doneAt),
      unavailableMs: report.unavailableMs,
      baselineRssMb,
      peakRssMb,
      peakHeapUsedMb,
      cpuSeconds,
      subprocesses,
      runMs: doneAt - started,
      serverCompleted: serverStates,
    });
  } finally {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    edge.stop();
    await emulator.stop({ graceMs: 2000 });
  }
}

function summarize(
  client: ClientName,
  records: WatcherRecord[],
  { deployStart, healthyAt, ...measured }: RunMeasures & { deployStart: number; healthyAt: number },
): RunResult {
  const sum = (pick: (r: WatcherRecord) => number) => records.reduce((n, r) => n + pick(r), 0);
  // Recovery: the first time a watcher got through after the cut, measured from the new replica's health.
  const lags = records
    .map((r) => r.contacts.find((at) => at > deployStart + 500))
    .filter((at): at is number => at !== undefined)
    .map((at) => Math.max(0, at - healthyAt));
  return {
    client,
    watchers: records.length,
    completes: records.filter((r) => r.completes > 0).length,
    rightState: records.filter((r) => r.finalState === "completed").length,
    gaveUp: records.filter((r) => r.outcome === "gave-up").length,
    duplicates: sum((r) => r.duplicates),
    failedCalls: sum((r) => r.failedCalls),
    reconnects: sum((r) => r.reconnects),
    recovered: lags.length,
    recoveryLagMs: { p50: quantile(lags, 0.5), p95: quantile(lags, 0.95), max: Math.max(...lags) },
    ...measured,
    stillRunning: records.filter((r) => r.outcome === "running").length,
  };
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const flags = readFlags({
    watchers: 200,
    scale: 1,
    clients: Object.keys(CLIENTS).join(","),
    // One more row: this many watchers of one kind in one process ("0" for none).
    large: "1000",
    "large-client": "PlanExeClient.watch",
  });
  const large = Number(flags.large);
  if (!Number.isInteger(large) || large < 0)
    throw new TypeError(
      `--large must be a whole number of watchers (0 for none), got "${flags.large}"`,
    );
  const largeClient = flags["large-client"];
  if (!Object.hasOwn(CLIENTS, largeClient))
    throw new TypeError(
      `--large-client: unknown client "${largeClient}"; use one of ${Object.keys(CLIENTS).join(", ")}`,
    );
  const chosen = flags.clients.split(",").map((name) => name.trim());
  for (const name of chosen) {
    if (!Object.hasOwn(CLIENTS, name)) {
      throw new TypeError(
        `--clients: unknown client "${name}"; use some of ${Object.keys(CLIENTS).join(", ")}`,
      );
    }
  }
  const t = timing(flags.scale, flags.watchers);
  const results: RunResult[] = [];
  for (const client of chosen as ClientName[]) {
    // A kind that runs one process per watcher (the CLI) follows fewer plans.
    const watchers = Math.min(flags.watchers, WATCHER_CAP[client] ?? flags.watchers);
    process.stdout.write(`deploy survival: ${client}, ${watchers} watchers…\n`);
    results.push(await runOne(client, watchers, timing(flags.scale, watchers)));
  }
  if (large > 0) {
    process.stdout.write(`deploy survival: ${largeClient}, ${large} watchers in one process…\n`);
    results.push(await runOne(largeClient as ClientName, large, timing(flags.scale, large)));
  }
  printTable(
    `Deploy survival: ${flags.watchers} watchers through a restart deploy with a ${t.windowMs / 1000} s window (plans ${t.planSeconds} s, polling every ${t.pollMs / 1000} s)`,
    [
      "client",
      "502 window (s)",
      "got complete",
      "gave up / still waiting",
      "duplicates",
      "failed calls",
      "reconnect attempts",
      "recovered",
      "recovery lag p50 / p95 (s)",
      "edge requests in window",
      "edge requests deploy→done",
      "peak RSS (MB)",
      "CPU (s)",
    ],
    results.map((r) => [
      r.watchers === flags.watchers || r.subprocesses
        ? r.client
        : `${r.client} × ${r.watchers} (plans ${timing(flags.scale, r.watchers).planSeconds} s)`,
      fmt(r.unavailableMs / 1000, 1),
      `${r.completes}/${r.watchers} (server: ${r.serverCompleted})`,
      `${r.gaveUp} / ${r.stillRunning}`,
      String(r.duplicates),
      String(r.failedCalls),
      String(r.reconnects),
      `${r.recovered}/${r.watchers}`,
      `${fmt(r.recoveryLagMs.p50 / 1000)} / ${fmt(r.recoveryLagMs.p95 / 1000)}`,
      String(r.windowRequests),
      String(r.requestsUntilDone),
      r.subprocesses
        ? `${fmt(r.peakRssMb, 0)} + ${fmt(r.subprocesses.peakRssMb, 0)} (${r.subprocesses.count} CLI processes)`
        : `${fmt(r.peakRssMb, 0)} (idle ${fmt(r.baselineRssMb, 0)})`,
      fmt(r.cpuSeconds, 1),
    ]),
  );
  writeResult("deploy-survival", { flags, timing: t, results }, machine);
}

await main();
