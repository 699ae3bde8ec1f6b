import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOUBLE_API_KEY, deployRunningEmulator, type Emulator } from "../../src/emulator/index.js";
import {
  callTool,
  eventNames,
  isAlive,
  lastStatus,
  openRawStream,
  type RawStream,
  startFastEmulator,
  waitFor,
} from "./helpers.js";

// One emulator for the file: real processes cost real CPU. Tests run in order. Plans
// are long (30 s) so every stream is still open when a deploy or a kill hits it;
// the client end-to-end tests (client-e2e.test.ts) run plans to completion.
let emulator: Emulator;
const allPids = new Set<number>();
const remember = () => {
  for (const pid of emulator.pids()) allPids.add(pid);
};

beforeAll(async () => {
  emulator = await startFastEmulator(1500);
  remember();
}, 30_000);

afterAll(async () => {
  await emulator?.stop({ graceMs: 500 });
});

async function createPlan(prompt: string): Promise<string> {
  const created = await callTool(emulator.url, "plan_create", { prompt });
  expect(created.status).toBe(200);
  return created.result?.plan_id as string;
}

describe("the emulator", () => {
  it("serves the official MCP SDK Client and a raw `curl -N` of the sse_url through the edge", async () => {
    const client = new Client({ name: "emulator-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${emulator.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${DOUBLE_API_KEY}` } },
      }),
    );
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain("plan_create");
    const created = await client.callTool({
      name: "plan_create",
      arguments: { prompt: "A bakery in Lisbon, through the emulator" },
    });
    const plan = created.structuredContent as { plan_id: string; sse_url: string };
    await client.close();
    expect(plan.sse_url).toBe(`${emulator.url}/sse/plan/${plan.plan_id}`);

    const stream = await openRawStream(plan.sse_url);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toContain("text/event-stream");
    // Progress arrives as the plan runs, event by event, not at the end.
    const statuses = () => eventNames(stream.text()).filter((name) => name === "status").length;
    await waitFor(() => statuses() >= 3, { what: "three status events", timeoutMs: 30_000 });
    stream.close();
    expect(stream.text().startsWith("retry: 5000\n\n")).toBe(true);
    // Only progress so far: status events, with a heartbeat between slow steps.
    expect(
      eventNames(stream.text()).every((name) => name === "status" || name === "heartbeat"),
    ).toBe(true);
    expect(lastStatus(stream.text())).toMatchObject({ plan_id: plan.plan_id, state: "processing" });
  }, 60_000);

  it("cuts the streams a replica served when it is SIGKILLed, and replaces the replica", async () => {
    const planId = await createPlan("A plan whose replica dies");
    // Round-robin: consecutive requests alternate between the two replicas.
    const streams: RawStream[] = [];
    for (let i = 0; i < 4; i++)
      streams.push(await openRawStream(`${emulator.url}/sse/plan/${planId}`));
    const victim = emulator.replicas[0];
    expect(victim?.status).toBe("healthy");
    process.kill(victim?.pid as number, "SIGKILL");
    const outcomes: Array<"end" | "cut" | "open"> = streams.map(() => "open");
    streams.forEach((stream, i) => {
      void stream.done.then((how) => {
        outcomes[i] = how;
      });
    });
    await waitFor(() => outcomes.filter((how) => how === "cut").length === 2, {
      what: "the killed replica's two streams to be cut",
    });
    // The other replica's streams are untouched.
    expect(outcomes.filter((how) => how === "open")).toHaveLength(2);
    for (const stream of streams) stream.close();
    await waitFor(
      () =>
        emulator.replicas.filter((r) => r.status === "healthy" && r.pid !== victim?.pid).length ===
        2,
      { what: "a replacement replica", timeoutMs: 30_000 },
    );
    remember();
  }, 60_000);

  it("restart deploy: 502 HTML during the window, streams cut (as today's PlanExe), no plan lost", async () => {
    const planId = await createPlan("A plan that outlives a restart");
    const stream = await openRawStream(`${emulator.url}/sse/plan/${planId}`);
    const oldPids = emulator.replicas.map((r) => r.pid);
    const deploying = emulator.deploy({ mode: "restart", windowMs: 1000, graceMs: 1000 });
    const during = await waitFor(
      async () => {
        const response = await fetch(`${emulator.url}/healthcheck`);
        return response.status === 502 ? response : undefined;
      },
      { what: "a 502 during the window", timeoutMs: 30_000 },
    );
    expect(during.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await during.text()).toContain("Application failed to respond");
    // Today's PlanExe has no drain: SIGTERM cuts the stream mid-body (the proposal ends it with `retry: 250`).
    expect(await stream.done).toBe("cut");
    expect(stream.text()).not.toContain("retry: 250");
    const report = await deploying;
    remember();
    expect(report.unavailableMs).toBeGreaterThanOrEqual(1000);
    expect(report.stopped.map((s) => s.pid).sort()).toEqual([...oldPids].sort());
    for (const pid of oldPids) expect(isAlive(pid)).toBe(false);
    // The plan is still there on the new replicas, still running, with no progress lost.
    const before = lastStatus(stream.text());
    const status = await callTool(emulator.url, "plan_status", { plan_id: planId });
    expect(status.result).toMatchObject({ plan_id: planId, state: "processing" });
    expect(status.result?.progress_percentage).toBeGreaterThanOrEqual(
      before?.progress_percentage as number,
    );
  }, 60_000);

  it("rolling deploy: no 502 at any moment, old replicas cut their streams and exit", async () => {
    const planId = await createPlan("A plan through a rolling deploy");
    const stream = await openRawStream(`${emulator.url}/sse/plan/${planId}`);
    const oldPids = emulator.replicas.map((r) => r.pid);
    let deployed = false;
    // As `planexe-client emulator deploy --port <port> --mode rolling` does it: from outside, over the control endpoint.
    // Both generations serve for a second before the old one drains: the polls below
    // then span the switch-over however fast the old replicas exit on a busy box.
    const deploying = deployRunningEmulator({
      port: emulator.port,
      mode: "rolling",
      windowMs: 1000,
      graceMs: 1000,
    }).finally(() => {
      deployed = true;
    });
    await waitFor(() => emulator.replicas.length > 2, { what: "the new replicas to start" });
    await expect(
      deployRunningEmulator({ port: emulator.port, mode: "restart" }),
    ).rejects.toMatchObject({
      code: "DEPLOY_IN_PROGRESS",
    });
    const statuses: number[] = [];
    while (!deployed) {
      const response = await fetch(`${emulator.url}/mcp/tools`);
      await response.arrayBuffer();
      statuses.push(response.status);
      // A client polling every 50 ms, not a load test: the new replicas need the CPU to start.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const report = await deploying;
    remember();
    expect(statuses.length).toBeGreaterThan(5);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(report.unavailableMs).toBe(0);
    expect(await stream.done).toBe("cut");
    expect(stream.text()).not.toContain("retry: 250");
    for (const pid of oldPids) expect(isAlive(pid)).toBe(false);
    expect(emulator.replicas.map((r) => r.pid).sort()).toEqual(
      report.started.map((s) => s.pid).sort(),
    );
  }, 60_000);

  it("control endpoint: says how to fix a bad deploy request, lists the replicas", async () => {
    await expect(
      deployRunningEmulator({ port: emulator.port, mode: "blue-green" as "rolling" }),
    ).rejects.toMatchObject({ code: "CONTROL_FAILED", message: expect.stringContaining("mode") });
    const status = await fetch(`${emulator.url}/__emulator/status`);
    const body = (await status.json()) as { replicas: Array<{ pid: number; status: string }> };
    expect(body.replicas.map((r) => r.pid).sort()).toEqual(
      emulator.replicas.map((r) => r.pid).sort(),
    );
    expect(body.replicas.every((r) => r.status === "healthy")).toBe(true);
  });

  it("leaves no process behind when stopped", async () => {
    remember();
    expect(allPids.size).toBeGreaterThanOrEqual(7);
    await emulator.stop({ graceMs: 500 });
    for (const pid of allPids) expect(isAlive(pid), `pid ${pid}`).toBe(false);
    await expect(fetch(`${emulator.url}/healthcheck`)).rejects.toThrow();
  });
});
