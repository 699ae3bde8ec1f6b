import { describe, expect, it } from "vitest";
import { collect, PLAN_ID, setup, snapshot, streamRequest } from "./helpers.js";

const from = (ip: string) => ({ headers: { "x-forwarded-for": `${ip}, 10.0.0.1` } });

describe("connection limits", () => {
  it("answers the 6th stream of one client with HTTP 429 JSON before any stream starts", async () => {
    const { handler, store } = setup([snapshot()]);
    const open = [];
    for (let i = 0; i < 5; i++)
      open.push(await handler(streamRequest(PLAN_ID, from("203.0.113.7"))));
    expect(open.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    const readsBefore = store.reads;

    const refused = await handler(streamRequest(PLAN_ID, from("203.0.113.7")));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toBe("application/json");
    expect(await refused.text()).toBe(
      '{"error":{"code":"SSE_CONNECTION_LIMIT","message":"Per-client SSE connection limit (5) reached"}}',
    );
    expect(store.reads).toBe(readsBefore); // refused before touching the database
    expect(handler.openStreams).toBe(5);

    const otherClient = await handler(streamRequest(PLAN_ID, from("198.51.100.2")));
    expect(otherClient.status).toBe(200);
    for (const response of [...open, otherClient]) await response.body?.cancel();
    expect(handler.openStreams).toBe(0);
  });

  it("refuses past the server-wide limit whoever asks, and counts per client by clientKey", async () => {
    const { handler } = setup([snapshot()], {
      maxStreams: 2,
      maxStreamsPerClient: 1,
      clientKey: (request) => request.headers.get("x-user") ?? "anonymous",
    });
    const a = await handler(streamRequest(PLAN_ID, { headers: { "x-user": "a" } }));
    const aAgain = await handler(streamRequest(PLAN_ID, { headers: { "x-user": "a" } }));
    const b = await handler(streamRequest(PLAN_ID, { headers: { "x-user": "b" } }));
    const c = await handler(streamRequest(PLAN_ID, { headers: { "x-user": "c" } }));
    expect([a.status, aAgain.status, b.status, c.status]).toEqual([200, 429, 200, 429]);
    expect((await c.json()).error.message).toBe("Server-wide SSE connection limit (2) reached");
    await a.body?.cancel();
    await b.body?.cancel();
  });

  it("frees the slot of a stream that ended by itself (complete)", async () => {
    const { handler, clock, store } = setup([snapshot()], { maxStreamsPerClient: 1 });
    const body = collect(await handler(streamRequest()));
    store.update(PLAN_ID, { state: "completed", progress_percentage: 100 });
    await clock.runUntil(body.finished);
    expect(handler.openStreams).toBe(0);
    expect((await handler(streamRequest())).status).toBe(200);
  });

  it("answers like today's PlanExe when emulating it: 200 event-stream, then an abort with no bytes", async () => {
    const { handler } = setup([snapshot()], { emulateToday: true, maxStreamsPerClient: 1 });
    const first = await handler(streamRequest());
    const refused = await handler(streamRequest());
    expect(refused.status).toBe(200);
    expect(refused.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = refused.body?.getReader();
    await expect(reader?.read()).rejects.toThrow(/terminated/);
    await first.body?.cancel();
  });
});
