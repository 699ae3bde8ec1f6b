import { describe, expect, it } from "vitest";
import { type PlanWatchEvent, watchPlan } from "../../src/index.js";
import type { PlanSnapshot } from "../../src/protocol/index.js";
import { createProgressStreamHandler } from "../../src/server/create-plan-progress-stream.js";
import { createManualClock, type ManualClock } from "../../src/testing/index.js";

/**
 * watchPlan against this package's own server side (`planexe-client/server`), two
 * replicas sharing one database row: in the resumable mode (ids, drain with a short
 * `retry:`) and emulating today's PlanExe (no ids, drain cuts streams).
 */

const PLAN = "5f2b1c9e-8a4d-4e2f-9b7a-3c6d1e0f2a4b";
const URL_ = `https://mcp.planexe.org/sse/plan/${PLAN}`;

/** A plan that gains 10 % every 5 s from 0 and completes at 100 (after an optional stall). */
function scriptPlan(clock: ManualClock, stallMs = 0) {
  let row: PlanSnapshot = {
    plan_id: PLAN,
    state: "pending",
    progress_percentage: 0,
    elapsed_sec: 0,
  };
  const step = () => {
    const progress = row.progress_percentage + 10;
    row = {
      ...row,
      state: progress >= 100 ? "completed" : "processing",
      progress_percentage: Math.min(100, progress),
      elapsed_sec: row.elapsed_sec + 5,
    };
    if (row.state !== "completed") clock.setTimer(step, progress === 50 ? 5_000 + stallMs : 5_000);
  };
  clock.setTimer(step, 5_000);
  return { getSnapshot: async () => ({ ...row }) };
}

function twoReplicas(clock: ManualClock, emulateToday: boolean, stallMs = 0) {
  const db = scriptPlan(clock, stallMs);
  const make = () =>
    createProgressStreamHandler({ getSnapshot: db.getSnapshot, clock, emulateToday });
  const replicas = [make(), make()] as const;
  let serving = 0;
  const requests: { replica: number; lastEventId: string | null }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    // The stream requests only (the process's shared episode may probe /healthcheck too).
    if (new URL(request.url).pathname.startsWith("/sse/"))
      requests.push({ replica: serving, lastEventId: request.headers.get("last-event-id") });
    return replicas[serving as 0 | 1](request);
  };
  return {
    fetch,
    requests,
    /** Rolling deploy: the old replica drains, the edge routes to the new one. */
    rollover() {
      serving = 1;
      replicas[0].drain();
    },
  };
}

async function watchThrough(emulateToday: boolean, rolloverAt: number) {
  const clock = createManualClock();
  const site = twoReplicas(clock, emulateToday);
  clock.setTimer(() => site.rollover(), rolloverAt);
  const watch = watchPlan(URL_, { clock, fetch: site.fetch, retry: { random: () => 0.5 } });
  const events: PlanWatchEvent[] = [];
  const consumed = (async () => {
    for await (const event of watch) events.push(event);
  })();
  const end = await clock.runUntil(watch.closed, { maxMs: 600_000 });
  await consumed;
  return { end, events, requests: site.requests };
}

function expectEachSnapshotOnceInOrder(events: PlanWatchEvent[]) {
  const progress = events.flatMap((e) => (e.type === "status" ? [e.progress_percentage] : []));
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
  expect(new Set(progress).size).toBe(progress.length);
  expect(progress).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  expect(events.filter((e) => e.type === "complete")).toHaveLength(1);
  expect(events.at(-1)).toMatchObject({
    type: "complete",
    state: "completed",
    progress_percentage: 100,
  });
}

describe("watchPlan against planexe-client/server", () => {
  it("resumable mode: drain's short retry moves the watch to the other replica with Last-Event-ID, no duplicate", async () => {
    const { end, events, requests } = await watchThrough(false, 22_000);
    expect(end.reason).toBe("complete");
    expectEachSnapshotOnceInOrder(events);
    const reconnecting = events.filter((e) => e.type === "reconnecting");
    expect(reconnecting).toEqual([
      expect.objectContaining({ cause: expect.objectContaining({ code: "STREAM_ENDED" }) }),
    ]);
    const delay = reconnecting[0]?.type === "reconnecting" ? reconnecting[0].delayMs : -1;
    expect(delay).toBeGreaterThanOrEqual(250);
    expect(delay).toBeLessThan(5_000);
    expect(requests).toEqual([
      { replica: 0, lastEventId: null },
      { replica: 1, lastEventId: "1.0.processing.400" },
    ]);
  });

  it("today's PlanExe (no ids; a killed replica cuts the stream): each snapshot still arrives once", async () => {
    const { end, events, requests } = await watchThrough(true, 22_000);
    expect(end.reason).toBe("complete");
    expectEachSnapshotOnceInOrder(events);
    expect(requests.map((r) => r.lastEventId)).toEqual([null, null]);
    expect(requests.map((r) => r.replica)).toEqual([0, 1]);
  });

  it("keeps one connection through a 60 s stall: heartbeats keep it alive, nothing reconnects", async () => {
    const clock = createManualClock();
    const site = twoReplicas(clock, false, 60_000);
    const watch = watchPlan(URL_, { clock, fetch: site.fetch });
    const events: PlanWatchEvent[] = [];
    const consumed = (async () => {
      for await (const event of watch) events.push(event);
    })();
    expect((await clock.runUntil(watch.closed, { maxMs: 600_000 })).reason).toBe("complete");
    await consumed;
    expect(events.filter((e) => e.type === "heartbeat").length).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.type === "reconnecting")).toEqual([]);
    expect(site.requests).toHaveLength(1);
  });
});
