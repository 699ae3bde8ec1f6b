import { describe, expect, it, vi } from "vitest";
import {
  collect,
  createSnapshotStore,
  PLAN_ID,
  setup,
  snapshot,
  streamRequest,
} from "./helpers.js";

const STATUS_10 = `event: status\nid: 1.0.processing.100\ndata: {"plan_id": "${PLAN_ID}", "state": "processing", "progress_percentage": 10.0, "elapsed_sec": 0.0}`;

describe("one connection's life", () => {
  it("writes a heartbeat (no id) after 20 s without a status, and again 20 s later", async () => {
    const { handler, clock } = setup([snapshot()]);
    const body = collect(await handler(streamRequest()));
    await clock.advance(19_999);
    expect(body.blocks).toEqual(["retry: 5000", STATUS_10]);
    await clock.advance(1);
    expect(body.blocks.slice(2)).toEqual([
      'event: heartbeat\ndata: {"timestamp": "2026-01-01T00:00:20Z"}',
    ]);
    await clock.advance(20_000);
    expect(body.blocks.slice(3)).toEqual([
      'event: heartbeat\ndata: {"timestamp": "2026-01-01T00:00:40Z"}',
    ]);
    await body.reader.cancel();
  });

  it("writes a status only when state or progress changed, and restarts the heartbeat wait", async () => {
    const { handler, clock, store } = setup([snapshot()]);
    const body = collect(await handler(streamRequest()));
    store.update(PLAN_ID, { elapsed_sec: 5 }); // elapsed alone is no change
    await clock.advance(15_000);
    expect(body.blocks).toHaveLength(2);
    store.update(PLAN_ID, { progress_percentage: 20 });
    await clock.advance(3_000); // status at 18 s
    expect(body.blocks[2]).toMatch(/^event: status\nid: 1\.0\.processing\.200\n/);
    await clock.advance(19_000); // 37 s: only 19 s since that status
    expect(body.blocks).toHaveLength(3);
    await clock.advance(1_000);
    expect(body.blocks[3]).toMatch(/^event: heartbeat\n/);
    await body.reader.cancel();
  });

  it("ends with error SSE_TIMEOUT after an hour and leaves no timer behind", async () => {
    const { handler, clock } = setup([snapshot()]);
    const body = collect(await handler(streamRequest()));
    await clock.advance(3_599_999);
    expect(body.done).toBe(false);
    await clock.advance(1);
    await body.finished;
    expect(body.blocks.at(-1)).toBe(
      'event: error\ndata: {"code": "SSE_TIMEOUT", "message": "SSE stream timed out after 3600 seconds"}',
    );
    expect(clock.pendingTimers).toBe(0);
    expect(handler.openStreams).toBe(0);
  });

  it("answers an unknown plan with error PLAN_NOT_FOUND and closes", async () => {
    const { handler, clock } = setup();
    const response = await handler(streamRequest("no-such-plan"));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(
      'retry: 5000\n\nevent: error\ndata: {"code": "PLAN_NOT_FOUND", "message": "Plan not found: no-such-plan"}\n\n',
    );
    expect(clock.pendingTimers).toBe(0);
    expect(handler.openStreams).toBe(0);
  });

  it("ends with PLAN_NOT_FOUND when the plan disappears mid-stream", async () => {
    const { handler, clock, store } = setup([snapshot()]);
    const body = collect(await handler(streamRequest()));
    store.delete(PLAN_ID);
    await clock.advance(3_000);
    await body.finished;
    expect(body.blocks.at(-1)).toMatch(/^event: error\ndata: \{"code": "PLAN_NOT_FOUND"/);
  });

  it("stops polling and frees its slot when the client disconnects (abort or cancel)", async () => {
    const { handler, clock, store } = setup([snapshot()], { maxStreamsPerClient: 1 });
    const abort = new AbortController();
    const first = collect(await handler(streamRequest(PLAN_ID, { signal: abort.signal })));
    expect(handler.openStreams).toBe(1);
    expect((await handler(streamRequest())).status).toBe(429);

    abort.abort();
    await first.finished;
    expect(handler.openStreams).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    const readsAfterAbort = store.reads;
    await clock.advance(60_000);
    expect(store.reads).toBe(readsAfterAbort);

    const second = await handler(streamRequest());
    expect(second.status).toBe(200);
    expect(handler.openStreams).toBe(1);
    await second.body?.cancel();
    expect(handler.openStreams).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("ends the stream when the snapshot source fails mid-stream, and reports the error", async () => {
    const onError = vi.fn();
    const failure = new Error("database connection lost");
    const rows = createSnapshotStore([snapshot()]);
    let databaseUp = true;
    const { handler, clock } = setup([], {
      onError,
      getSnapshot: (planId) => (databaseUp ? rows.getSnapshot(planId) : Promise.reject(failure)),
    });
    const body = collect(await handler(streamRequest()));
    databaseUp = false;
    await clock.advance(3_000);
    expect(body.done).toBe(true);
    expect(body.blocks).toEqual(["retry: 5000", STATUS_10]);
    expect(onError).toHaveBeenCalledWith(failure, expect.any(Request));
    expect(handler.openStreams).toBe(0);
  });

  it("ends only that stream when getSnapshot throws synchronously mid-stream", async () => {
    const rows = createSnapshotStore([snapshot()]);
    let broken = false;
    const { handler, clock } = setup([], {
      getSnapshot: (planId) => {
        if (broken) throw new Error("bad query");
        return rows.getSnapshot(planId);
      },
    });
    const body = collect(await handler(streamRequest()));
    broken = true;
    await clock.advance(3_000);
    expect(body.done).toBe(true);
    expect(handler.openStreams).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("answers HTTP 503 when the snapshot cannot be read before the stream starts", async () => {
    const onError = vi.fn();
    const { handler } = setup([], {
      onError,
      getSnapshot: () => Promise.reject(new Error("database down")),
    });
    const response = await handler(streamRequest());
    expect(response.status).toBe(503);
    expect((await response.json()).error.code).toBe("INTERNAL_ERROR");
    expect(onError).toHaveBeenCalledOnce();
    expect(handler.openStreams).toBe(0);
  });

  it("answers 404 without a plan id and 405 for anything but GET", async () => {
    const { handler } = setup([snapshot()]);
    const missing = await handler(new Request("http://planexe.test/sse/plan/"));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: "Not Found" });
    const post = await handler(streamRequest(PLAN_ID, { method: "POST" }));
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
  });
});
