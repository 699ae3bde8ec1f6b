/**
 * One user's script following one plan, written three ways: with `watchPlan`,
 * with the `eventsource` package (WHATWG EventSource, as a browser would), and
 * with a plain MCP SDK `Client` polling `plan_status` (built-in fetch, try/catch
 * around each poll, keep going at a fixed interval: what users' scripts do today).
 * `PlanExeClient.watch` is the fourth: one client shared by all of a process's
 * watchers. Each resolves when its watcher is done: complete, given up, or aborted.
 */
import { setTimeout as delay } from "node:timers/promises";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { EventSource } from "eventsource";
import { PlanExeClient, watchPlan } from "../../src/index.js";
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

/** `for await (const event of watchPlan(sse_url))`, defaults as shipped. */
export const viaWatchPlan: WatchClient = async (plan, rec, { signal }) => {
  const watch = watchPlan(plan.sse_url, { signal });
  try {
    for await (const event of watch) {
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
};

let shared: PlanExeClient | undefined;

/**
 * One app following many plans with one `PlanExeClient`: `client.watch(plan_id)`
 * for each, so every watch shares the client's outage episode (one health probe
 * while the server is down, and all resume together when it answers).
 */
export const viaClientWatch: WatchClient = async (plan, rec, { baseUrl, signal }) => {
  shared ??= new PlanExeClient({ baseUrl });
  try {
    for await (const event of shared.watch(plan.plan_id, { signal })) {
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

export const CLIENTS = {
  watchPlan: viaWatchPlan,
  "PlanExeClient.watch": viaClientWatch,
  EventSource: viaEventSource,
  "MCP SDK polling": viaPolling,
} satisfies Record<string, WatchClient>;

export type ClientName = keyof typeof CLIENTS;
