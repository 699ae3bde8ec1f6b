import { describe, expect, it } from "vitest";
import {
  PlanNotFoundError,
  type PlanWatchEvent,
  type PlanWatchWarning,
  ProtocolError,
  TransportError,
  watchPlan,
} from "../../src/index.js";
import { createManualClock } from "../../src/testing/index.js";
import { completeBlock, scriptedFetch, sseResponse, statusBlock } from "./helpers.js";

const PLAN = "5a0f3c1e-8d2b-4c47-9e0a-2f6d7b1c9e44";
const URL_ = `https://mcp.planexe.org/sse/plan/${PLAN}`;
const RETRY = "retry: 5000\n\n";
const html502 = () =>
  new Response("<html><body>502 Bad Gateway</body></html>", {
    status: 502,
    headers: { "content-type": "text/html" },
  });
const finished = () => sseResponse([`${RETRY}${statusBlock(10)}${completeBlock()}`]);

function run(
  answers: Parameters<typeof scriptedFetch>[0],
  options: Parameters<typeof watchPlan>[1] = {},
) {
  const clock = createManualClock();
  const script = scriptedFetch(answers);
  const warnings: PlanWatchWarning[] = [];
  const watch = watchPlan(URL_, {
    clock,
    fetch: script.fetch,
    retry: { random: () => 0 },
    onWarning: (w) => warnings.push(w),
    // The script answers the stream only: its own backoff is what these tests read.
    episode: false,
    ...options,
  });
  const drain = async () => {
    const events: PlanWatchEvent[] = [];
    let error: unknown;
    try {
      for await (const event of watch) events.push(event);
    } catch (e) {
      error = e;
    }
    return { events, error };
  };
  return { clock, watch, requests: script.requests, warnings, drain };
}

describe("watchPlan follows the SDK's retry policy", () => {
  it("fails fast on a 200 with the wrong content type, comparing the MIME essence only", async () => {
    const bad = run([
      () => new Response("<html></html>", { headers: { "content-type": "text/html" } }),
    ]);
    const end = await bad.clock.runUntil(bad.watch.closed);
    expect(end).toMatchObject({ reason: "error", error: { code: "WRONG_CONTENT_TYPE" } });
    expect(end.reason === "error" && end.error).toBeInstanceOf(ProtocolError);
    expect((await bad.drain()).error).toBe(end.reason === "error" && end.error);
    expect(bad.requests).toHaveLength(1);

    const ok = run([
      () =>
        sseResponse([`${statusBlock(10)}${completeBlock()}`], {
          headers: { "content-type": "Text/Event-Stream ; Charset=UTF-8" },
        }),
    ]);
    expect((await ok.clock.runUntil(ok.watch.closed)).reason).toBe("complete");
  });

  it("fails fast with HTTP_ERROR on a 404 (no such route) and sends nothing more", async () => {
    const w = run([() => new Response('{"detail":"Not Found"}', { status: 404 })]);
    const end = await w.clock.runUntil(w.watch.closed);
    expect(end).toMatchObject({ reason: "error", error: { code: "HTTP_ERROR", status: 404 } });
    expect(end.reason === "error" && end.error).toBeInstanceOf(TransportError);
    await w.clock.advance(600_000);
    expect(w.requests).toHaveLength(1);
  });

  it("ends with PlanNotFoundError on event: error PLAN_NOT_FOUND, no reconnect, no plan id in the message", async () => {
    const w = run([
      () =>
        sseResponse([
          `${RETRY}event: error\ndata: {"code": "PLAN_NOT_FOUND", "message": "Plan not found: ${PLAN}"}\n\n`,
        ]),
    ]);
    const end = await w.clock.runUntil(w.watch.closed);
    expect(end.reason === "error" && end.error).toBeInstanceOf(PlanNotFoundError);
    expect(end.reason === "error" && end.error.message).not.toContain(PLAN);
    await w.clock.advance(600_000);
    expect(w.requests).toHaveLength(1);
  });

  it("reconnects at once after event: error SSE_TIMEOUT, whatever the retry hint", async () => {
    const w = run([
      () =>
        sseResponse([
          `${RETRY}${statusBlock(10)}event: error\ndata: {"code": "SSE_TIMEOUT", "message": "Stream timed out after 3600 s"}\n\n`,
        ]),
      finished,
    ]);
    await w.clock.runUntil(w.watch.closed);
    const { events } = await w.drain();
    expect(events.find((e) => e.type === "reconnecting")).toMatchObject({
      attempt: 1,
      delayMs: 0,
      cause: { code: "SSE_TIMEOUT" },
    });
    expect(events.filter((e) => e.type === "status")).toHaveLength(1);
  });

  it("waits at least the server's retry: after it closes the stream without complete", async () => {
    const w = run([() => sseResponse([`${RETRY}${statusBlock(10)}`]), finished]);
    await w.clock.runUntil(w.watch.closed);
    const { events } = await w.drain();
    expect(events.find((e) => e.type === "reconnecting")).toMatchObject({
      delayMs: 5000,
      cause: { code: "STREAM_ENDED" },
    });
  });

  it("backs off with capped full jitter through 502s, then resumes", async () => {
    const answers = [...Array.from({ length: 8 }, () => html502), finished];
    const w = run(answers, { retry: { random: () => 0.999, maxDelayMs: 8_000 } });
    await w.clock.runUntil(w.watch.closed);
    const { events } = await w.drain();
    const delays = events.flatMap((e) => (e.type === "reconnecting" ? [e.delayMs] : []));
    expect(delays).toEqual([249, 499, 999, 1998, 3996, 7992, 7992, 7992]);
    expect(events.filter((e) => e.type === "reconnecting").map((e) => e.attempt)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(events.at(-1)?.type).toBe("complete");
    expect(w.requests).toHaveLength(9);
  });

  it("gives up with DEADLINE_EXCEEDED when an outage outlasts retry.deadlineMs", async () => {
    const w = run([html502], { retry: { random: () => 0.999, deadlineMs: 60_000 } });
    const start = w.clock.now();
    const end = await w.clock.runUntil(w.watch.closed);
    expect(end).toMatchObject({
      reason: "error",
      error: { name: "TransportError", code: "DEADLINE_EXCEEDED", status: 502 },
    });
    expect(w.clock.now() - start).toBeLessThanOrEqual(60_000);
    expect(w.clock.now() - start).toBeGreaterThan(45_000);
  });

  it("ends at once when the signal aborts during a backoff: iteration rejects with its reason, nothing more is sent", async () => {
    const controller = new AbortController();
    const w = run([html502], { signal: controller.signal, retry: { random: () => 0.5 } });
    const reason = new Error("user gave up");
    const drained = w.drain();
    await w.clock.advance(2_000);
    const sent = w.requests.length;
    controller.abort(reason);
    expect(await w.watch.closed).toEqual({ reason: "aborted", error: reason });
    expect((await drained).error).toBe(reason);
    await w.clock.advance(600_000);
    expect(w.requests).toHaveLength(sent);
  });

  it("close() and breaking out of the loop end the watch quietly", async () => {
    const w = run([() => sseResponse([`${RETRY}${statusBlock(10)}`]), html502]);
    for await (const event of w.watch) if (event.type === "status") break;
    expect(await w.watch.closed).toEqual({ reason: "aborted" });
    await w.clock.advance(600_000);
    expect(w.requests).toHaveLength(1);
  });

  it("warns about bad JSON and unknown events and goes on", async () => {
    const w = run([
      () =>
        sseResponse([
          `${RETRY}event: status\ndata: {not json\n\nevent: surprise\ndata: {}\n\ndata: {"x": 1}\n\n`,
          `event: status\ndata: {"plan_id": "p"}\n\n${statusBlock(10)}${completeBlock()}`,
        ]),
    ]);
    const end = await w.clock.runUntil(w.watch.closed);
    expect(end.reason).toBe("complete");
    expect(w.warnings.map((x) => x.code)).toEqual([
      "INVALID_JSON",
      "UNKNOWN_EVENT",
      "UNKNOWN_EVENT",
      "INVALID_EVENT",
    ]);
    const { events } = await w.drain();
    expect(events.map((e) => e.type)).toEqual(["connected", "status", "complete"]);
  });

  it("a complete without elapsed_sec (or any informational field) still ends the watch", async () => {
    const w = run([
      () =>
        sseResponse([
          `${RETRY}event: status\ndata: {"state": "processing", "progress_percentage": 40}\n\n`,
          `event: heartbeat\ndata: {}\n\n`,
          `event: complete\ndata: {"plan_id": "p", "state": "completed", "progress_percentage": 100}\n\n`,
        ]),
    ]);
    const end = await w.clock.runUntil(w.watch.closed);
    expect(end).toEqual({
      reason: "complete",
      event: { type: "complete", plan_id: "p", state: "completed", progress_percentage: 100 },
    });
    expect(w.warnings).toEqual([]);
    const { events } = await w.drain();
    expect(events.map((e) => e.type)).toEqual(["connected", "status", "heartbeat", "complete"]);
    expect(events[1]).toEqual({ type: "status", state: "processing", progress_percentage: 40 });
  });

  it("refuses an event only for a field the watcher needs, and drops mistyped informational fields", async () => {
    const w = run([
      () =>
        sseResponse([
          `${RETRY}event: complete\ndata: {"plan_id": "p", "progress_percentage": 100}\n\n`,
          `event: complete\ndata: {"state": "done"}\n\n`,
          `event: status\ndata: {"state": "processing"}\n\n`,
          `event: error\ndata: {"message": "no code"}\n\n`,
          `event: status\ndata: {"state": "processing", "progress_percentage": 5, "elapsed_sec": "5s", "plan_id": 7}\n\n`,
          `event: complete\ndata: {"state": "failed", "error": "boom", "elapsed_sec": 3}\n\n`,
        ]),
    ]);
    const end = await w.clock.runUntil(w.watch.closed);
    expect(w.warnings.map((x) => x.message)).toEqual([
      'Skipped a "complete" event with an invalid state.',
      'Skipped a "complete" event with an invalid state.',
      'Skipped a "status" event with an invalid progress_percentage.',
      'Skipped a "error" event with an invalid code.',
    ]);
    expect(end).toEqual({
      reason: "complete",
      event: { type: "complete", state: "failed", elapsed_sec: 3 },
    });
    const { events } = await w.drain();
    expect(events.filter((e) => e.type === "status")).toEqual([
      { type: "status", state: "processing", progress_percentage: 5 },
    ]);
  });

  it("delivers complete once and reads nothing after it", async () => {
    const w = run([
      () =>
        sseResponse([
          `${RETRY}${statusBlock(10)}${completeBlock()}${statusBlock(99)}${completeBlock()}`,
        ]),
    ]);
    await w.clock.runUntil(w.watch.closed);
    await w.clock.advance(600_000);
    const { events } = await w.drain();
    expect(events.map((e) => e.type)).toEqual(["connected", "status", "complete"]);
    expect(w.requests).toHaveLength(1);
  });

  it("keeps the plan id out of reconnect causes even when the network error names the URL", async () => {
    const w = run([
      () =>
        Promise.reject(
          new TypeError(`fetch failed: ${URL_}`, {
            cause: new Error(`connect ECONNREFUSED ${URL_}`),
          }),
        ),
      finished,
    ]);
    await w.clock.runUntil(w.watch.closed);
    const { events } = await w.drain();
    const reconnecting = events.find((e) => e.type === "reconnecting");
    expect(reconnecting).toMatchObject({ cause: { code: "NETWORK_ERROR" } });
    expect(JSON.stringify(reconnecting)).not.toContain(PLAN);
  });

  it("says how to fix a misused call", () => {
    expect(() => watchPlan(PLAN)).toThrow(/not a plan id/);
    expect(() => watchPlan(URL_, new AbortController().signal as never)).toThrow(
      /Did you mean `watchPlan\(url, \{ signal \}\)`/,
    );
    expect(() => watchPlan(URL_, { heartbeatTimeoutMs: 0 })).toThrow(TypeError);
    expect(() => watchPlan("not a url")).toThrow(TypeError);
  });
});

describe("watchPlan with a fetch that ignores its signal", () => {
  /** A body that sends one status, then never another byte, whatever the signal says. */
  const stuck = () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`${RETRY}${statusBlock(10)}`));
        },
      }),
      { headers: { "content-type": "text/event-stream" } },
    );

  it("still reconnects after heartbeatTimeout, and close() still ends it", async () => {
    const w = run([stuck, stuck], { heartbeatTimeoutMs: 30_000 });
    const events: PlanWatchEvent[] = [];
    const consumed = (async () => {
      for await (const event of w.watch) events.push(event);
    })();
    await w.clock.advance(30_000);
    await w.clock.advance(1_000);
    expect(w.requests).toHaveLength(2);
    expect(events.find((e) => e.type === "reconnecting")).toMatchObject({
      cause: { code: "HEARTBEAT_TIMEOUT" },
    });
    w.watch.close();
    expect(await w.watch.closed).toEqual({ reason: "aborted" });
    await consumed;
    expect(events.filter((e) => e.type === "status")).toHaveLength(1);
  });
});
