import { describe, expect, it } from "vitest";
import { createPlanProgressStream } from "../../src/server/index.js";
import { collect, setup, snapshot, streamRequest } from "./helpers.js";

const getSnapshot = async () => undefined;

describe("options", () => {
  it("throws a TypeError that says how to fix a bad call", () => {
    // @ts-expect-error: no options
    expect(() => createPlanProgressStream()).toThrow(/needs an options object/);
    // @ts-expect-error: getSnapshot is required
    expect(() => createPlanProgressStream({})).toThrow(/`getSnapshot` must be a function/);
    expect(() => createPlanProgressStream({ getSnapshot, pollIntervalMs: -1 })).toThrow(
      /pollIntervalMs must be a non-negative number of milliseconds, got -1/,
    );
    expect(() => createPlanProgressStream({ getSnapshot, heartbeatMs: 0 })).toThrow(/must be > 0/);
    expect(() => createPlanProgressStream({ getSnapshot, retryMs: 2.5 })).toThrow(
      /`retryMs` must be a whole number/,
    );
    expect(() => createPlanProgressStream({ getSnapshot, maxStreams: 0 })).toThrow(
      /`maxStreams` must be an integer >= 1/,
    );
    // @ts-expect-error: clientKey is a function
    expect(() => createPlanProgressStream({ getSnapshot, clientKey: "ip" })).toThrow(TypeError);
  });

  it("uses every interval it is given", async () => {
    const { handler, clock, store } = setup([snapshot()], {
      retryMs: 1000,
      pollIntervalMs: 500,
      heartbeatMs: 2_000,
      timeoutMs: 5_000,
    });
    const body = collect(await handler(streamRequest()));
    await clock.advance(500);
    expect(store.reads).toBe(2);
    await clock.runUntil(body.finished);
    expect(clock.now() - Date.parse("2026-01-01T00:00:00Z")).toBe(5_000);
    expect(body.blocks[0]).toBe("retry: 1000");
    expect(body.blocks.filter((block) => block.startsWith("event: heartbeat"))).toHaveLength(2);
    expect(body.blocks.at(-1)).toContain("SSE stream timed out after 5 seconds");
  });

  it("reads the plan id from a custom route", async () => {
    const { handler, clock } = setup([snapshot({ plan_id: "abc" })], {
      planIdFromRequest: (request) => new URL(request.url).searchParams.get("plan") ?? undefined,
    });
    const body = collect(await handler(new Request("http://planexe.test/progress?plan=abc")));
    await clock.settle();
    expect(body.blocks[1]).toContain('"plan_id": "abc"');
    await body.reader.cancel();
  });

  it("hands getSnapshot no plan id with a separator or dot segment, even percent-encoded", async () => {
    const asked: string[] = [];
    const handler = createPlanProgressStream({
      getSnapshot: async (planId) => {
        asked.push(planId);
        return undefined;
      },
    });
    for (const id of ["..%2F..%2Fetc%2Fpasswd", "%2e%2e", "a%5Cb", "..", "a%00b", "%2Fetc"]) {
      const response = await handler(new Request(`http://x/sse/plan/${id}`));
      expect(response.status, id).toBe(404);
    }
    expect(asked).toEqual([]);
    const ok = await handler(new Request("http://x/sse/plan/5f2b1c9e-8a4d-4e2f-9b7a-3c6d1e0f2a4b"));
    await ok.body?.cancel();
    expect(asked).toEqual(["5f2b1c9e-8a4d-4e2f-9b7a-3c6d1e0f2a4b"]);
  });

  it("refuses a trustProxy it cannot follow", () => {
    const getSnapshot = async () => undefined;
    expect(() => createPlanProgressStream({ getSnapshot, trustProxy: { hops: 0 } })).toThrow(
      TypeError,
    );
    expect(() =>
      createPlanProgressStream({ getSnapshot, trustProxy: { header: "x real ip" } }),
    ).toThrow(TypeError);
  });
});
