/**
 * One user's script following one plan, written three ways: with `watchPlan`,
 * with the `eventsource` package (WHATWG EventSource, as a browser would), and
 * with a plain MCP SDK `Client` polling `plan_status` (built-in fetch, try/catch
 * around each poll, keep going at a fixed interval: what users' scripts do today).
 * `PlanExeClient.watch` is the fourth: one client shared by all of a process's
 * watchers. Each resolves when its watcher is done: complete, given up, or aborted.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { EventSource } from "eventsource";
import { type PlanClientWatchEvent, PlanExeClient, watchPlan } from "../../src/index.js";
import type { WatcherRecorder } from "./recorder.js";

/** A plan to follow, as `plan_create` returned it. */
export interface WatchedPlan {
  plan_id: string;
  sse_url: string;
}

export interface WatchContext {
  baseUrl: string;
  /** The polling script's interval, ms. */
  pollMs: number;
  signal: AbortSignal;
}

export type WatchClient = (
  plan: WatchedPlan,
  rec: WatcherRecorder,
  context: WatchContext,
) => Promise<void>;

const TERMINAL = new Set(["completed", "failed", "stopped"]);

/** Records the events of `watchPlan` or `client.watch`; a watch that throws (not aborted) gave up. */
async function follow(
  events: AsyncIterable<PlanClientWatchEvent>,
  rec: WatcherRecorder,
  signal: AbortSignal,
): Promise<void> {
  try {
    for await (const event of events) {
      if (event.type === "connected") rec.contact();
      else if (event.type === "reconnecting") rec.reconnect();
      else if (event.type === "status") rec.snapshot(event.state, event.progress_percentage);
      else if (event.type === "complete") rec.complete(event.state);
    }
  } catch {
    if (!signal.aborted) {
      rec.failed();
      rec.gaveUp();
    }
  }
}

/** `for await (const event of watchPlan(sse_url))`, defaults as shipped. */
export const viaWatchPlan: WatchClient = async (plan, rec, { signal }) =>
  follow(watchPlan(plan.sse_url, { signal }), rec, signal);

let shared: PlanExeClient | undefined;

/**
 * One app following many plans with one `PlanExeClient`: `client.watch(plan_id)`
 * for each, so every watch shares the client's outage episode (one health probe
 * while the server is down, and all resume together when it answers).
 */
export const viaClientWatch: WatchClient = async (plan, rec, { baseUrl, signal }) => {
  shared ??= new PlanExeClient({ baseUrl });
  return follow(shared.watch(plan.plan_id, { signal }), rec, signal);
};

/** Closes what the adapters share (the one `PlanExeClient`). */
export async function closeSharedClients(): Promise<void> {
  await shared?.close();
  shared = undefined;
}

interface StreamData {
  state: string;
  progress_percentage: number;
}

/**
 * `new EventSource(sse_url)` with listeners for `status` and `complete` (closing on
 * `complete`, or it would reconnect and get `complete` again every 5 s). Its own
 * reconnection is all there is: after a non-200 answer (the edge's 502) it closes
 * for good, per the WHATWG spec, and the script has nothing more to wait for.
 */
export const viaEventSource: WatchClient = (plan, rec, { signal }) =>
  new Promise<void>((resolve) => {
    let connections = 0;
    const es = new EventSource(plan.sse_url, {
      fetch: (input, init) => {
        connections += 1;
        if (connections > 1) rec.reconnect();
        return fetch(input, init);
      },
    });
    const finish = () => {
      es.close();
      signal.removeEventListener("abort", finish);
      resolve();
    };
    es.addEventListener("open", () => rec.contact());
    es.addEventListener("status", (event) => {
      const data = JSON.parse(event.data) as StreamData;
      rec.snapshot(data.state, data.progress_percentage);
    });
    es.addEventListener("complete", (event) => {
      rec.complete((JSON.parse(event.data) as StreamData).state);
      finish();
    });
    es.addEventListener("error", () => {
      // A dropped stream fires `error` while reconnecting (CONNECTING); only CLOSED is the end.
      if (es.readyState === es.CLOSED) {
        rec.failed();
        rec.gaveUp();
        finish();
      }
    });
    signal.addEventListener("abort", finish, { once: true });
  });

/**
 * A plain MCP SDK client polling `plan_status` every `pollMs`: each failed call is
 * caught, counted and the loop goes on (what a script with try/catch does); it
 * reports a snapshot only when it changed, and stops at a terminal state.
 */
export const viaPolling: WatchClient = async (plan, rec, { baseUrl, pollMs, signal }) => {
  const client = new Client({ name: "bench-poller", version: "1.0.0" });
  let connected = false;
  let lastKey = "";
  let failing = false;
  try {
    while (!signal.aborted) {
      if (failing) rec.reconnect();
      try {
        if (!connected) {
          await client.connect(new StreamableHTTPClientTransport(new URL("/mcp", baseUrl)));
          connected = true;
        }
        const result = await client.callTool({
          name: "plan_status",
          arguments: { plan_id: plan.plan_id },
        });
        const status = result.structuredContent as unknown as StreamData;
        rec.contact();
        failing = false;
        if (TERMINAL.has(status.state)) {
          rec.complete(status.state);
          return;
        }
        const key = `${status.state}|${status.progress_percentage}`;
        if (key !== lastKey) rec.snapshot(status.state, status.progress_percentage);
        lastKey = key;
      } catch {
        if (signal.aborted) return;
        rec.failed();
        failing = true;
      }
      await delay(pollMs, undefined, { signal }).catch(() => {});
    }
  } finally {
    await client.close().catch(() => {});
  }
};

const CLI = fileURLToPath(new URL("../../dist/cli/watch-plan.js", import.meta.url));
/** Loaded before the CLI: writes its own resource usage (peak RSS, CPU) to fd 3 as it exits. */
const REPORT_USAGE = `data:text/javascript,${encodeURIComponent(
  'import{writeSync}from"node:fs";process.on("exit",()=>{try{writeSync(3,JSON.stringify(process.resourceUsage()))}catch{}});',
)}`;

interface Usage {
  count: number;
  peakRssMb: number;
  cpuSeconds: number;
}
let cliUsage: Usage | undefined;

/** What the CLI subprocesses used, summed over those that ended; `undefined` when none ran. */
export function subprocessUsage(): Usage | undefined {
  return cliUsage;
}

/**
 * `watch-plan <sse_url> --json` as a user runs it in a terminal or a cron job: one
 * process per plan (the built CLI, `npm run build` first), its JSON lines read as
 * the user's script would. Killed with SIGINT when the bench stops it.
 */
export const viaWatchPlanCli: WatchClient = (plan, rec, { signal }) =>
  new Promise<void>((resolve) => {
    const child = spawn(process.execPath, ["--import", REPORT_USAGE, CLI, plan.sse_url, "--json"], {
      stdio: ["ignore", "pipe", "ignore", "pipe"],
    });
    let usage = "";
    (child.stdio[3] as NodeJS.ReadableStream).on("data", (chunk: Buffer) => {
      usage += chunk.toString();
    });
    const stop = () => child.kill("SIGINT");
    signal.addEventListener("abort", stop, { once: true });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      let event: { type?: string; state?: string; progress_percentage?: number };
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      if (event.type === "connected") rec.contact();
      else if (event.type === "reconnecting") rec.reconnect();
      // `plan_status` lines are the CLI's own refreshes (for the step name), not stream snapshots.
      else if (event.type === "plan_status") rec.contact();
      else if (event.type === "status")
        rec.snapshot(event.state ?? "", event.progress_percentage ?? Number.NaN);
      else if (event.type === "complete") rec.complete(event.state ?? "");
    });
    child.on("close", (code) => {
      signal.removeEventListener("abort", stop);
      if (rec.record.outcome === "running" && !signal.aborted) {
        rec.failed();
        rec.gaveUp();
      } else if (code !== 0 && code !== 1 && code !== 2 && !signal.aborted) rec.failed();
      try {
        const used = JSON.parse(usage) as {
          maxRSS: number;
          userCPUTime: number;
          systemCPUTime: number;
        };
        cliUsage ??= { count: 0, peakRssMb: 0, cpuSeconds: 0 };
        cliUsage.count += 1;
        cliUsage.peakRssMb += used.maxRSS / 1024;
        cliUsage.cpuSeconds += (used.userCPUTime + used.systemCPUTime) / 1e6;
      } catch {
        // No usage written (killed hard): counted as nothing.
      }
      resolve();
    });
  });

/** Clients that run a subprocess per watcher follow at most this many plans (the issue: ten). */
export const WATCHER_CAP: Partial<Record<ClientName, number>> = { "watch-plan CLI": 10 };

export const CLIENTS = {
  watchPlan: viaWatchPlan,
  "PlanExeClient.watch": viaClientWatch,
  EventSource: viaEventSource,
  "MCP SDK polling": viaPolling,
  "watch-plan CLI": viaWatchPlanCli,
} satisfies Record<string, WatchClient>;

export type ClientName = keyof typeof CLIENTS;
