import type { CallToolResult } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanExeClient } from "../../src/index.js";
import type { PlanClientWatchEvent } from "../../src/sse/events.js";
import { waitFor } from "../emulator/helpers.js";
import { type LocalServer, startLocalServer, structured } from "../mcp/helpers.js";
import { type RealEdge, startEdge } from "./support/edge.js";
import {
  freePort,
  kit,
  movePlan,
  type RealServer,
  sql,
  startReal,
  stopReal,
  USER_KEY,
} from "./support/kit.js";
import { type Outcome, startTraffic } from "./support/traffic.js";

// Deploys of PlanExe's own mcp_cloud behind an edge that answers Railway's 502 page:
// the library, a watch and `planexe-client mcp` (spawned from dist over stdio, as a
// host runs it) keep working. The limiter is raised here: these calls measure deploys;
// rate-limit.test.ts measures PlanExe's limiter at its own scale.
let real: RealServer;
let edge: RealEdge;
let client: PlanExeClient;
let host: LocalServer;

beforeAll(async () => {
  real = await startReal("PLANEXE_MCP_RATE_LIMIT=1000");
  edge = await startEdge([real.port]);
  client = new PlanExeClient({ baseUrl: edge.url, apiKey: USER_KEY });
  host = await startLocalServer(edge.url, [], { PLANEXE_API_KEY: USER_KEY });
});

afterAll(async () => {
  await host?.close().catch(() => {});
  await client?.close();
  await edge?.close();
  await stopReal();
});

/** What one deploy did to the callers. */
interface Seen {
  library: Outcome[];
  mcp: Outcome[];
  events: PlanClientWatchEvent[];
  windowPlans: { library: string; mcp: string };
}

async function mcpCall(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const result = (await host.client.callTool(
    { name, arguments: args },
    {
      timeout: 120_000,
    },
  )) as CallToolResult;
  return result;
}

const asOutcome = (result: CallToolResult) =>
  result.isError ? new Error(JSON.stringify(result.content)) : result;

async function countPlans(prompt: string): Promise<number> {
  return Number(await sql(`SELECT count(*) FROM plans WHERE prompt='${prompt}'`));
}

/**
 * A plan in progress with a watch on it and calls once a second from the library
 * and the MCP host; `deploy(window)` runs the deploy and calls `window()` when
 * callers should be meeting it. Then the plan completes.
 */
async function throughDeploy(
  label: string,
  deploy: (window: () => void) => Promise<void>,
): Promise<Seen> {
  const { plan_id: id } = await client.createPlan(`Plan watched through a ${label} ${Date.now()}`);
  await movePlan(id, "processing", 10);
  const events: PlanClientWatchEvent[] = [];
  const watch = client.watch(id);
  const consumed = (async () => {
    for await (const event of watch) events.push(event);
  })();
  const hasStatus = (p: number) =>
    events.some((e) => e.type === "status" && e.progress_percentage === p);
  await waitFor(() => hasStatus(10), { timeoutMs: 15_000, everyMs: 100, what: "status 10 %" });

  const library = startTraffic(() => client.getStatus(id));
  const mcp = startTraffic(() => mcpCall("plan_status", { plan_id: id }).then(asOutcome));
  const stamp = Date.now();
  const windowPrompts = {
    library: `Plan created by the library during a ${label} ${stamp}`,
    mcp: `Plan created over MCP during a ${label} ${stamp}`,
  };
  let creations: Array<Promise<unknown>> = [];
  await deploy(() => {
    creations = [
      client.createPlan(windowPrompts.library),
      mcpCall("plan_create", { prompt: windowPrompts.mcp }).then((result) => {
        if (result.isError) throw new Error(JSON.stringify(result.content));
        return structured(result);
      }),
      movePlan(id, "processing", 50),
    ];
  });
  const [created, createdOverMcp] = (await Promise.all(creations)) as [
    { plan_id: string },
    { plan_id: string },
  ];
  // Calls keep coming once the deploy is over: two more rounds from each caller.
  const after = library.started() + 2;
  await waitFor(() => library.started() >= after, { timeoutMs: 10_000, what: "two more calls" });
  await movePlan(id, "processing", 80);
  await waitFor(() => hasStatus(80), { timeoutMs: 20_000, everyMs: 100, what: "status 80 %" });
  await movePlan(id, "completed", 100);
  await waitFor(() => events.some((e) => e.type === "complete"), {
    timeoutMs: 20_000,
    everyMs: 100,
    what: "complete",
  });
  await consumed;
  const seen: Seen = {
    library: await library.stop(),
    mcp: await mcp.stop(),
    events,
    windowPlans: { library: created.plan_id, mcp: createdOverMcp.plan_id },
  };
  expect(await countPlans(windowPrompts.library)).toBe(1);
  expect(await countPlans(windowPrompts.mcp)).toBe(1);
  return seen;
}

function expectNothingLost(seen: Seen): void {
  const failed = [...seen.library, ...seen.mcp].filter((o) => !o.ok);
  expect(failed.map((o) => String(o.error))).toEqual([]);
  expect(seen.library.length).toBeGreaterThan(5);
  expect(seen.mcp.length).toBeGreaterThan(5);
  const complete = seen.events.filter((e) => e.type === "complete");
  expect(complete).toEqual([expect.objectContaining({ state: "completed" })]);
  const progress = seen.events.flatMap((e) => (e.type === "status" ? [e.progress_percentage] : []));
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
  expect(progress).toContain(80);
  expect(seen.windowPlans.library).toMatch(/^[0-9a-f-]{36}$/);
}

const slowest = (outcomes: Outcome[]) => Math.max(...outcomes.map((o) => o.ms));
/** How long after the server answered again the last call caught in the window ended. */
const lagAfter = (backAt: number, outcomes: Outcome[]) =>
  Math.max(0, ...outcomes.filter((o) => o.startedAt < backAt).map((o) => o.endedAt - backAt));
const reconnects = (seen: Seen) => seen.events.filter((e) => e.type === "reconnecting").length;

describe("deploys of the real mcp_cloud behind the edge", () => {
  it("a restart (server-stop, 502 window, server-start): no call fails, one plan per createPlan, one complete", async () => {
    let backAt = 0;
    const seen = await throughDeploy("restart", async (window) => {
      const before = edge.badGateways();
      await kit(["server-stop"]);
      window();
      // The window is real when callers meet Railway's 502 page.
      await waitFor(() => edge.badGateways() >= before + 3, {
        timeoutMs: 15_000,
        what: "callers to meet the 502 page",
      });
      await kit(["server-start"]);
      backAt = Date.now();
    });
    expectNothingLost(seen);
    expect(seen.events.some((e) => e.type === "reconnecting")).toBe(true);
    // Calls caught in the window resume with the server (a health probe a second), not after a long backoff.
    expect(lagAfter(backAt, seen.library)).toBeLessThan(5_000);
    expect(lagAfter(backAt, seen.mcp)).toBeLessThan(5_000);
    const lag = `${lagAfter(backAt, seen.library)} ms (library) / ${lagAfter(backAt, seen.mcp)} ms (MCP)`;
    console.info(
      `restart: ${seen.library.length} library calls (slowest ${slowest(seen.library)} ms), ${seen.mcp.length} MCP calls (slowest ${slowest(seen.mcp)} ms), ${edge.badGateways()} 502 pages served, ${reconnects(seen)} stream reconnects, 0 failed; the last waiting call ended ${lag} after the server answered again`,
    );
  });

  it("a rolling deploy over two replicas: no call fails, one plan per createPlan, one complete", async () => {
    const second = await freePort();
    const seen = await throughDeploy("rolling deploy", async (window) => {
      // The new deployment comes up beside the old one and takes the traffic; the old one gets SIGTERM.
      await kit(["replica-start", String(second)]);
      edge.route([real.port, second]);
      edge.route([second]);
      window();
      await kit(["server-stop"]);
      // And back: mcp_cloud on its own port again, the replica retired the same way.
      await kit(["server-start"]);
      edge.route([real.port, second]);
      edge.route([real.port]);
      await kit(["replica-stop", String(second)]);
    });
    expectNothingLost(seen);
    console.info(
      `rolling: ${seen.library.length} library calls (slowest ${slowest(seen.library)} ms), ${seen.mcp.length} MCP calls (slowest ${slowest(seen.mcp)} ms), ${reconnects(seen)} stream reconnects, 0 failed`,
    );
  });
});
