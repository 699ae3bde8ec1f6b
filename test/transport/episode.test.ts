import { describe, expect, it } from "vitest";
import { createOutageEpisode, createResilientFetch } from "../../src/transport/index.js";
import { badGateway, createManualClock, json, scriptedFetch } from "./helpers.js";

const BASE = "https://planexe.test";

function deployWindow(startIn: number, windowMs: number) {
  const clock = createManualClock();
  const start = clock.now() + startIn;
  const end = start + windowMs;
  const down = () => clock.now() >= start && clock.now() < end;
  const server = scriptedFetch(clock, (request) => {
    if (down()) return badGateway();
    return request.path === "/healthcheck"
      ? json({ status: "healthy" })
      : json({ ok: request.path });
  });
  return { clock, start, end, server };
}

describe("one outage, one episode", () => {
  it("50 calls pending through a 120 s window: one probe per interval, all resume within an interval of the end", async () => {
    const { clock, start, end, server } = deployWindow(1_000, 120_000);
    const fetch = createResilientFetch({ fetch: server.fetch, clock, probeIntervalMs: 1_000 });
    await clock.advance(1_000);
    const resolvedAt: number[] = [];
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      calls.push(
        fetch(`${BASE}/mcp/call/${i}`).then(async (response) => {
          resolvedAt.push(clock.now());
          return response.json();
        }),
      );
      await clock.advance(2_000);
    }
    const results = await clock.runUntil(Promise.all(calls));
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => ({ ok: `/mcp/call/${i}` })));

    const probes = server.seen.filter((s) => s.path === "/healthcheck").map((s) => s.at);
    const gaps = probes.slice(1).map((at, i) => at - probes[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
    expect(probes.length).toBeLessThanOrEqual(121);
    // The calls made during the window: only the first reached the edge.
    const duringWindow = server.seen.filter(
      (s) => s.path !== "/healthcheck" && s.at >= start && s.at < end,
    );
    expect(duringWindow).toHaveLength(1);
    for (const at of resolvedAt) {
      expect(at).toBeGreaterThanOrEqual(end);
      expect(at).toBeLessThanOrEqual(end + 1_000);
    }
  });

  it("a probe that gets no answer (black-holed edge) counts as down and probing goes on", async () => {
    const clock = createManualClock();
    let healthy = false;
    const server = scriptedFetch(clock, (request, index) => {
      if (request.path === "/healthcheck" && !healthy) return new Promise<Response>(() => {});
      return index === 0 ? badGateway() : json({});
    });
    const fetch = createResilientFetch({ fetch: server.fetch, clock, probeIntervalMs: 1_000 });
    const call = fetch(`${BASE}/x`);
    await clock.advance(30_000);
    const probes = server.count("/healthcheck");
    expect(probes).toBeGreaterThanOrEqual(5); // one per probeTimeoutMs (5 s) while unanswered
    healthy = true;
    const response = await clock.runUntil(call);
    expect(response.status).toBe(200);
  });

  it("stops probing when nobody waits any more", async () => {
    const { clock, server } = deployWindow(0, 1_000_000);
    const fetch = createResilientFetch({ fetch: server.fetch, clock });
    const controller = new AbortController();
    const call = fetch(`${BASE}/x`, { signal: controller.signal }).catch(() => "aborted");
    await clock.advance(5_000);
    controller.abort();
    expect(await call).toBe("aborted");
    const probes = server.count("/healthcheck");
    await clock.advance(60_000);
    expect(server.count("/healthcheck")).toBe(probes);
  });

  it("an episode shared by two fetches (calls and streams) probes once for both", async () => {
    const { clock, end, server } = deployWindow(0, 10_000);
    const episode = createOutageEpisode({ fetch: server.fetch, clock, probeIntervalMs: 1_000 });
    const calls = createResilientFetch({ fetch: server.fetch, clock, episode });
    const streams = createResilientFetch({ fetch: server.fetch, clock, episode });
    expect(calls.episode).toBe(episode);
    const both = Promise.all([calls(`${BASE}/mcp`), streams(`${BASE}/sse/plan/1`)]);
    await clock.runUntil(both);
    expect(server.count("/healthcheck")).toBeLessThanOrEqual(11);
    expect(clock.now()).toBeLessThanOrEqual(end + 1_000);
    expect(episode.state).toBe("up");
  });

  it("requests to another origin do not wait on this origin's outage", async () => {
    const { clock, server } = deployWindow(0, 1_000_000);
    const fetch = createResilientFetch({ fetch: server.fetch, clock });
    // The call that meets the outage is ended with the test, not left waiting on it.
    const stray = new AbortController();
    void fetch(`${BASE}/mcp`, { signal: stray.signal }).catch(() => {});
    await clock.advance(1_000);
    expect(fetch.episode?.state).toBe("down");
    const other = scriptedFetch(clock, () => json({ elsewhere: true }));
    const elsewhere = createResilientFetch({ fetch: other.fetch, clock, episode: fetch.episode! });
    const response = await clock.runUntil(elsewhere("https://files.example.test/report.html"));
    expect(await response.json()).toEqual({ elsewhere: true });
    stray.abort();
    await clock.settle();
  });
});

describe("an episode closed during an outage", () => {
  it("a call still failing goes on with its own backoff, not one attempt after another with no wait", async () => {
    const clock = createManualClock();
    const server = scriptedFetch(clock, () => badGateway());
    const retry = { random: () => 0.5 }; // full jitter, pinned: each wait is half its step
    const episode = createOutageEpisode({ fetch: server.fetch, clock, retry });
    const fetch = createResilientFetch({ fetch: server.fetch, clock, episode, retry });
    const call = fetch(`${BASE}/x`);
    await clock.advance(3_000);
    expect(server.count("/x")).toBe(1); // the rest waited on the probe
    // As when the last lease of a shared episode is released: waiters are let go.
    episode.close();
    const closedAt = clock.now();
    await clock.advance(20_000);
    const after = server.seen.filter((s) => s.path === "/x" && s.at >= closedAt).map((s) => s.at);
    const gaps = after.slice(1).map((at, i) => at - after[i]!);
    // The policy's backoff, 250 ms doubling: no attempt follows another at once.
    expect(gaps.slice(0, 3)).toEqual([250, 500, 1_000]);
    expect(after.length).toBeLessThan(20);
    await expect(clock.runUntil(call)).rejects.toMatchObject({
      code: "DEADLINE_EXCEEDED",
      status: 502,
    });
  });
});

describe("a health check that passes while the API fails", () => {
  it("does not bring every waiter back at probe speed: the flaps back off", async () => {
    const clock = createManualClock();
    const start = clock.now();
    const server = scriptedFetch(clock, (request) => {
      if (request.path === "/healthcheck") return json({ status: "healthy" });
      return clock.now() - start < 60_000 ? badGateway() : json({ ok: true });
    });
    const fetch = createResilientFetch({
      fetch: server.fetch,
      clock,
      retry: { random: () => 0.5 },
    });
    const calls = Array.from({ length: 10 }, (_, i) => fetch(`${BASE}/mcp/${i}`));
    const responses = await clock.runUntil(Promise.all(calls));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const apiRequests = server.seen.filter((s) => s.path !== "/healthcheck").length;
    // Without the flap backoff the 10 calls came back every ~125 ms: ~4,800 requests in 60 s.
    expect(apiRequests).toBeLessThan(200);
    expect(clock.now() - start).toBeLessThan(60_000 + 8_000);
  });
});
