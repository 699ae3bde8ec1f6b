import { describe, expect, it } from "vitest";
import { createPlanProgressStream, defaultClientKey } from "../../src/server/index.js";
import { collect, setup, snapshot, streamRequest } from "./helpers.js";

const getSnapshot = async () => undefined;

describe("options", () => {
  it("throws a TypeError that says how to fix a bad call", () => {
    // @ts-expect-error: no options
    expect(() => createPlanProgressStream()).toThrow(/needs an options object/);
    // @ts-expect-error: getSnapshot is required
    expect(() => createPlanProgressStream({})).toThrow(/`getSnapshot` must be a function/);
    expect(() => createPlanProgressStream({ getSnapshot, pollIntervalMs: -1 })).toThrow(
      /`pollIntervalMs` must be a finite number/,
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

  it("keys clients by the first X-Forwarded-For hop by default", () => {
    const key = (headers: Record<string, string>) =>
      defaultClientKey(new Request("http://x/sse/plan/p", { headers }));
    expect(key({ "x-forwarded-for": " 203.0.113.7 , 10.0.0.1" })).toBe("203.0.113.7");
    expect(key({ "x-real-ip": "198.51.100.2" })).toBe("198.51.100.2");
    expect(key({})).toBe("unknown");
  });
});
