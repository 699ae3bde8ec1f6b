import { describe, expect, it } from "vitest";
import { collect, PLAN_ID, setup, snapshot, streamRequest } from "./helpers.js";

const socket = (ip: string) => ({ remoteAddress: ip });
/** Headers a client sends to pose as someone else. */
const forged = (i: number) => ({
  headers: { "x-forwarded-for": `198.51.100.${i}, 10.0.0.${i}`, "x-real-ip": `192.0.2.${i}` },
});

describe("connection limits", () => {
  it("answers the 6th stream of one client with HTTP 429 JSON before any stream starts", async () => {
    const { handler, store } = setup([snapshot()]);
    const open = [];
    for (let i = 0; i < 5; i++)
      open.push(await handler(streamRequest(PLAN_ID), socket("203.0.113.7")));
    expect(open.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    const readsBefore = store.reads;

    const refused = await handler(streamRequest(PLAN_ID), socket("203.0.113.7"));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toBe("application/json");
    expect(await refused.text()).toBe(
      '{"error":{"code":"SSE_CONNECTION_LIMIT","message":"Per-client SSE connection limit (5) reached"}}',
    );
    expect(store.reads).toBe(readsBefore); // refused before touching the database
    expect(handler.openStreams).toBe(5);

    const otherClient = await handler(streamRequest(PLAN_ID), socket("198.51.100.2"));
    expect(otherClient.status).toBe(200);
    for (const response of [...open, otherClient]) await response.body?.cancel();
    expect(handler.openStreams).toBe(0);
  });

  it("counts the socket's address by default: forged X-Forwarded-For / X-Real-IP neither add slots nor lock anyone out", async () => {
    const { handler } = setup([snapshot()]);
    const mine = [];
    for (let i = 1; i <= 6; i++)
      mine.push(await handler(streamRequest(PLAN_ID, forged(i)), socket("203.0.113.7")));
    expect(mine.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    // Five streams posing as 198.51.100.9 do not refuse the real 198.51.100.9.
    const victim = await handler(streamRequest(PLAN_ID), socket("198.51.100.9"));
    expect(victim.status).toBe(200);
    for (const response of [...mine, victim]) await response.body?.cancel();
  });

  it("believes a trusted proxy only as far as told: a header it sets, or the nth X-Forwarded-For entry from the right", async () => {
    const railway = setup([snapshot()], {
      trustProxy: { header: "x-real-ip" },
      maxStreamsPerClient: 1,
    });
    const viaEdge = (ip: string) =>
      railway.handler(
        streamRequest(PLAN_ID, { headers: { "x-real-ip": ip, "x-forwarded-for": "1.2.3.4" } }),
        socket("10.0.0.1"),
      );
    const a = await viaEdge("203.0.113.7");
    const b = await viaEdge("198.51.100.2");
    const aAgain = await viaEdge("203.0.113.7");
    expect([a.status, b.status, aAgain.status]).toEqual([200, 200, 429]);
    const twoHops = setup([snapshot()], { trustProxy: { hops: 2 }, maxStreamsPerClient: 1 });
    const hop = (chain: string) =>
      twoHops.handler(
        streamRequest(PLAN_ID, { headers: { "x-forwarded-for": chain } }),
        socket("10.0.0.1"),
      );
    const c = await hop("6.6.6.6, 203.0.113.7, 10.0.0.2");
    const cForged = await hop("7.7.7.7, 203.0.113.7, 10.0.0.2");
    expect([c.status, cForged.status]).toEqual([200, 429]);
    for (const response of [a, b, c]) await response.body?.cancel();
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
