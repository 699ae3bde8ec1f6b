import { afterEach, describe, expect, it } from "vitest";
import { WORKER_RESTART_MESSAGE } from "../../src/fake/index.js";
import {
  BASE,
  connectMcpClient,
  createPlan,
  openStream,
  startDouble,
  stopDoubles,
  structured,
} from "./helpers.js";

afterEach(stopDoubles);

describe("deploy.restart: Railway with one replica", () => {
  it("runs a 120 s window in virtual time: 502 HTML throughout, then a new replica serves", async () => {
    const double = startDouble({ planSeconds: 600 });
    const client = await connectMcpClient();
    const created = structured(
      await client.callTool({ name: "plan_create", arguments: { prompt: "A ferry route" } }),
    );
    const planId = created.plan_id as string;
    await double.clock.advance(30_000);
    const before = double.world.snapshot(planId)?.progress_percentage ?? 0;

    const clockStart = double.clock.now();
    const realStart = performance.now();
    const window = double.deploy.restart({ windowMs: 120_000 });
    expect(double.deploy.active).toBe(window);
    expect(window).toMatchObject({ kind: "restart", state: "active", at: clockStart });

    const edge = await fetch(`${BASE}/healthcheck`);
    expect(edge.status).toBe(502);
    expect(edge.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await edge.text()).toContain("Application failed to respond");
    // Railway's 502 page carries no CORS headers: a page's fetch sees only a TypeError.
    const fromPage = await fetch(`${BASE}/mcp`, {
      method: "OPTIONS",
      headers: { origin: "https://home.planexe.org", "access-control-request-method": "POST" },
    });
    expect(fromPage.status).toBe(502);
    expect(
      [...fromPage.headers.keys()].filter((name) => name.startsWith("access-control-")),
    ).toEqual([]);
    await expect(
      client.callTool({ name: "plan_status", arguments: { plan_id: planId } }),
    ).rejects.toMatchObject({ status: 502, message: expect.stringContaining("failed to respond") });
    await double.clock.advance(119_000);
    expect((await fetch(`${BASE}/mcp/tools`)).status).toBe(502);

    await double.clock.runUntil(window.finished);
    const realElapsed = performance.now() - realStart;
    expect(double.clock.now() - clockStart).toBe(120_000);
    expect(realElapsed).toBeLessThan(5_000);
    expect(window.state).toBe("done");
    expect(double.deploy.active).toBeUndefined();

    const status = structured(
      await client.callTool({ name: "plan_status", arguments: { plan_id: planId } }),
    );
    // mcp_cloud restarted, the worker did not: the plan kept running through the window.
    expect(status.state).toBe("processing");
    expect(status.progress_percentage as number).toBeGreaterThan(before);

    const during = double.requests.filter({ since: clockStart, until: window.endsAt });
    expect(during).toHaveLength(4);
    expect(
      during.every((r) => r.status === 502 && r.replica === null && r.deploy === "restart"),
    ).toBe(true);
    expect(double.requests.entries.at(-1)).toMatchObject({ status: 200, replica: 2 });
    expect(window.incomingReplica).toBe(2);
    expect(double.replicas.map((r) => [r.id, r.serving, r.stopped])).toEqual([
      [1, false, true],
      [2, true, false],
    ]);
  });

  it("cuts the progress streams open at the window's start mid-body, like a killed connection", async () => {
    const double = startDouble({ planSeconds: 600 });
    const planId = createPlan(double);
    const streams = await Promise.all([openStream(planId), openStream(planId)]);
    for (const stream of streams) {
      expect(stream.response.status).toBe(200);
      expect(stream.first).toContain("retry: 5000");
    }
    await double.clock.advance(10_000);
    expect(double.replicas[0]?.openStreams).toBe(2);

    double.deploy.restart({ windowMs: 60_000 });
    for (const stream of streams) {
      const end = await stream.end;
      expect(end.error).toBeInstanceOf(TypeError);
      expect(String(end.error)).toContain("terminated");
      expect(end.text).not.toContain("event: complete");
    }
    expect(double.replicas[0]?.openStreams).toBe(0);

    const reconnect = await fetch(`${BASE}/sse/plan/${planId}`);
    expect(reconnect.status).toBe(502);
    expect(reconnect.headers.get("content-type")).toMatch(/^text\/html/);
    await reconnect.body?.cancel();
  });

  it("opens a window scripted for later on its clock timer", async () => {
    const double = startDouble();
    const at = double.clock.now() + 30_000;
    const window = double.deploy.restart({ at, windowMs: 60_000 });
    expect(window.state).toBe("scheduled");
    expect(double.deploy.active).toBeUndefined();
    expect((await fetch(`${BASE}/healthcheck`)).status).toBe(200);

    await double.clock.advance(29_999);
    expect((await fetch(`${BASE}/healthcheck`)).status).toBe(200);
    await double.clock.advance(1);
    expect(window.state).toBe("active");
    expect((await fetch(`${BASE}/healthcheck`)).status).toBe(502);
    await double.clock.runUntil(window.finished);
    expect(double.clock.now()).toBe(at + 60_000);
    expect((await fetch(`${BASE}/healthcheck`)).status).toBe(200);
    expect(double.deploy.timeline).toEqual([window]);
  });

  it("restartWorker drains the worker: the running plan fails recoverably after the grace period", async () => {
    const double = startDouble({ planSeconds: 600 });
    const planId = createPlan(double);
    await double.clock.advance(60_000);
    expect(double.world.getPlan(planId)?.state).toBe("processing");

    const window = double.deploy.restart({
      windowMs: 120_000,
      restartWorker: true,
      workerGraceMs: 10_000,
    });
    await double.clock.runUntil(window.finished);
    const client = await connectMcpClient();
    const status = structured(
      await client.callTool({ name: "plan_status", arguments: { plan_id: planId } }),
    );
    expect(status).toMatchObject({
      state: "failed",
      error: { failure_reason: "worker_error", message: WORKER_RESTART_MESSAGE, recoverable: true },
    });

    // The new worker takes plans again: a retried plan runs to completion.
    await client.callTool({ name: "plan_retry", arguments: { plan_id: planId } });
    await double.clock.advance(700_000);
    expect(double.world.getPlan(planId)?.state).toBe("completed");
  });

  it("rejects windows that overlap, start in the past, or have no length", () => {
    const double = startDouble();
    const now = double.clock.now();
    double.deploy.restart({ at: now + 10_000, windowMs: 30_000 });
    expect(() => double.deploy.rolling({ at: now + 20_000 })).toThrow(
      /overlaps the restart window/,
    );
    expect(() => double.deploy.restart({ at: now - 1, windowMs: 1_000 })).toThrow(TypeError);
    expect(() => double.deploy.restart({ windowMs: 0 })).toThrow(/windowMs must be a positive/);
    expect(() => double.deploy.restart({ at: now + 40_000, windowMs: 1_000 })).not.toThrow();
  });
});
