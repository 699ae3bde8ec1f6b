import { afterEach, describe, expect, it } from "vitest";
import { BASE, createPlan, openStream, startDouble, stopDoubles } from "./helpers.js";

afterEach(stopDoubles);

describe("deploy.rolling: Railway with two replicas", () => {
  it("with the proposal, the old replica drains its streams with a short retry instead of cutting them", async () => {
    const double = startDouble({ planSeconds: 600, proposal: true });
    const stream = await openStream(createPlan(double));
    await double.clock.advance(5_000);
    double.deploy.rolling({ windowMs: 30_000 });
    const drained = await stream.end;
    // A graceful end, not a cut: the client is told to come back in 250 ms.
    expect(drained.error).toBeUndefined();
    expect(drained.text).toContain("retry: 250");
    expect(drained.text).not.toContain("event: complete");
  });

  it("cuts the old replica's streams (today's PlanExe has no drain), alternates replicas, then the new one serves alone", async () => {
    const double = startDouble({ planSeconds: 600 });
    const planId = createPlan(double);
    const stream = await openStream(planId);
    expect(stream.first).toContain("retry: 5000");
    await double.clock.advance(5_000);

    const start = double.clock.now();
    const window = double.deploy.rolling({ windowMs: 30_000 });
    const cut = await stream.end;
    // Today's PlanExe: SIGTERM ends the stream with no further byte; the client's read fails.
    expect(cut.error).toBeDefined();
    expect(cut.text).not.toContain("retry: 250");
    expect(cut.text).not.toContain("event: complete");

    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${BASE}/healthcheck`)).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const during = double.requests.filter({ since: start, until: window.endsAt });
    expect(during.map((r) => r.replica)).toEqual([2, 1, 2, 1]);
    expect(during.every((r) => r.deploy === "rolling")).toBe(true);

    await double.clock.runUntil(window.finished);
    expect(double.clock.now() - start).toBe(30_000);
    for (let i = 0; i < 3; i++) expect((await fetch(`${BASE}/healthcheck`)).status).toBe(200);
    expect(double.requests.filter({ since: window.endsAt }).map((r) => r.replica)).toEqual([
      2, 2, 2,
    ]);
    expect(double.requests.count({ status: 502 })).toBe(0);
    expect(double.replicas.map((r) => [r.id, r.serving, r.stopped])).toEqual([
      [1, false, true],
      [2, true, false],
    ]);
  });

  it("a drained old replica refuses new streams with 503, so a reconnect lands on the new one", async () => {
    const double = startDouble({ planSeconds: 600 });
    const planId = createPlan(double);
    double.deploy.rolling({ windowMs: 20_000 });
    const onNew = await fetch(`${BASE}/sse/plan/${planId}`);
    const onOld = await fetch(`${BASE}/sse/plan/${planId}`);
    expect([onNew.status, onOld.status]).toEqual([200, 503]);
    const retried = await fetch(`${BASE}/sse/plan/${planId}`);
    expect(retried.status).toBe(200);
    expect(double.requests.filter({ path: `/sse/plan/${planId}` }).map((r) => r.replica)).toEqual([
      2, 1, 2,
    ]);
    await Promise.all([onNew.body?.cancel(), onOld.body?.cancel(), retried.body?.cancel()]);
  });

  it("cuts a stream still open on the old replica when it stops at the window's end", async () => {
    const double = startDouble({ planSeconds: 600 });
    const planId = createPlan(double);
    const window = double.deploy.rolling({ windowMs: 20_000, drain: false });
    const onNew = await openStream(planId);
    const onOld = await openStream(planId);
    expect(double.requests.filter({ path: `/sse/plan/${planId}` }).map((r) => r.replica)).toEqual([
      2, 1,
    ]);

    await double.clock.runUntil(window.finished);
    const oldEnd = await onOld.end;
    expect(oldEnd.error).toBeInstanceOf(TypeError);
    expect(oldEnd.text).toContain("event: status");
    // The new replica's stream lives on until the client leaves.
    expect(double.replicas[1]?.openStreams).toBe(1);
    await onNew.cancel();
    await double.clock.settle();
    expect(double.replicas[1]?.openStreams).toBe(0);
  });

  it("drain: false drops the old replica's streams at the start, like a server without drain", async () => {
    const double = startDouble({ planSeconds: 600 });
    const stream = await openStream(createPlan(double));
    double.deploy.rolling({ drain: false });
    const end = await stream.end;
    expect(end.error).toBeInstanceOf(TypeError);
    expect(end.text).not.toContain("retry: 250");
  });

  it("back-to-back windows hand over in order on the same clock", async () => {
    const double = startDouble();
    const now = double.clock.now();
    const rolling = double.deploy.rolling({ at: now + 10_000, windowMs: 10_000 });
    const restart = double.deploy.restart({ at: now + 20_000, windowMs: 30_000 });
    await double.clock.advance(20_000);
    expect(rolling.state).toBe("done");
    expect(restart.state).toBe("active");
    expect((await fetch(`${BASE}/healthcheck`)).status).toBe(502);
    await double.clock.runUntil(restart.finished);
    expect((await fetch(`${BASE}/healthcheck`)).status).toBe(200);
    expect(double.requests.entries.at(-1)?.replica).toBe(3);
    expect(double.deploy.timeline.map((w) => [w.kind, w.state, w.incomingReplica])).toEqual([
      ["rolling", "done", 2],
      ["restart", "done", 3],
    ]);
  });
});
