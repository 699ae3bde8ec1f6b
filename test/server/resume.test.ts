import { describe, expect, it } from "vitest";
import { snapshotEventId } from "../../src/protocol/index.js";
import { createPlanProgressStream } from "../../src/server/index.js";
import { createManualClock } from "../../src/testing/manual-clock.js";
import {
  collect,
  createSnapshotStore,
  eventIds,
  PLAN_ID,
  setup,
  snapshot,
  streamRequest,
} from "./helpers.js";

describe("resume by Last-Event-ID", () => {
  it("resumes a stream on another handler instance with no duplicate status", async () => {
    // Two replicas that share nothing but the database (the snapshot source).
    const clock = createManualClock();
    const store = createSnapshotStore([snapshot({ progress_percentage: 10 })]);
    const replicaA = createPlanProgressStream({ getSnapshot: store.getSnapshot, clock });
    const replicaB = createPlanProgressStream({ getSnapshot: store.getSnapshot, clock });

    const cutA = new AbortController();
    const first = collect(await replicaA(streamRequest(PLAN_ID, { signal: cutA.signal })));
    store.update(PLAN_ID, { progress_percentage: 40, elapsed_sec: 3 });
    await clock.advance(3_000);
    const lastId = eventIds(first.text).at(-1);
    expect(lastId).toBe("1.0.processing.400");
    cutA.abort(); // replica A goes away mid-stream
    await first.finished;
    expect(replicaA.openStreams).toBe(0);

    const second = collect(
      await replicaB(streamRequest(PLAN_ID, { headers: { "last-event-id": lastId ?? "" } })),
    );
    await clock.settle();
    expect(second.text).toBe("retry: 5000\n\n");
    store.update(PLAN_ID, { progress_percentage: 55, elapsed_sec: 6 });
    await clock.advance(3_000);
    store.update(PLAN_ID, { state: "completed", progress_percentage: 100, elapsed_sec: 9 });
    await clock.runUntil(second.finished);

    const ids = [...eventIds(first.text), ...eventIds(second.text)];
    expect(ids).toEqual([
      "1.0.processing.100",
      "1.0.processing.400",
      "1.0.processing.550",
      "1.0.completed.1000",
    ]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("sends the current snapshot first for an older, foreign or malformed Last-Event-ID", async () => {
    const current = snapshot({ progress_percentage: 42.5, elapsed_sec: 12 });
    const { handler, clock } = setup([current]);
    for (const lastId of [
      "1.0.processing.100",
      "2.0.processing.425",
      "garbage",
      "",
      "1.0.pending.0",
    ]) {
      const body = collect(
        await handler(streamRequest(PLAN_ID, { headers: { "last-event-id": lastId } })),
      );
      await clock.settle();
      expect(body.blocks[1]).toBe(
        `event: status\nid: 1.0.processing.425\ndata: {"plan_id": "${PLAN_ID}", "state": "processing", "progress_percentage": 42.5, "elapsed_sec": 12.0}`,
      );
      await body.reader.cancel();
    }
  });

  it("treats a retried plan's new run as new even at the same state and progress", async () => {
    const { handler, clock, store } = setup([
      snapshot({ progress_percentage: 0, state: "pending" }),
    ]);
    const body = collect(
      await handler(streamRequest(PLAN_ID, { headers: { "last-event-id": "1.0.pending.0" } })),
    );
    store.update(PLAN_ID, { run: 1 });
    await clock.advance(3_000);
    expect(eventIds(body.text)).toEqual(["1.1.pending.0"]);
    await body.reader.cancel();
  });

  it("sends complete on every connection that finds the plan terminal, even when resumed at it", async () => {
    const done = snapshot({ state: "completed", progress_percentage: 100, elapsed_sec: 900 });
    const { handler, clock } = setup([done]);
    const completeId = snapshotEventId(done);
    for (const headers of [{}, { "last-event-id": completeId }, { "last-event-id": completeId }]) {
      const body = collect(await handler(streamRequest(PLAN_ID, { headers })));
      await clock.runUntil(body.finished, { maxMs: 1 });
      expect(body.blocks).toEqual([
        "retry: 5000",
        `event: complete\nid: ${completeId}\ndata: {"plan_id": "${PLAN_ID}", "state": "completed", "progress_percentage": 100.0, "elapsed_sec": 900.0}`,
      ]);
    }
    expect(handler.openStreams).toBe(0);
  });

  it("ignores Last-Event-ID when emulating today's PlanExe, which has no ids", async () => {
    const { handler, clock } = setup([snapshot()], { emulateToday: true });
    const body = collect(
      await handler(streamRequest(PLAN_ID, { headers: { "last-event-id": "1.0.processing.100" } })),
    );
    await clock.settle();
    expect(body.blocks[1]).toMatch(/^event: status\ndata: /);
    await body.reader.cancel();
  });
});
