import { describe, expect, it } from "vitest";
import { watchPlan } from "../../src/index.js";
import { createManualClock } from "../../src/testing/index.js";
import { sharedEpisodeCount } from "../../src/transport/episode/registry.js";
import { createOutageEpisode } from "../../src/transport/index.js";
import { completeBlock, sseResponse, statusBlock } from "./helpers.js";

const BASE = "https://mcp.planexe.org";
const URL_ = `${BASE}/sse/plan/5a0f3c1e-8d2b-4c47-9e0a-2f6d7b1c9e44`;

/** A server that answers 502 to everything until `upAt`, then serves a finished plan. */
function restartingServer(clock: { now(): number }, upAt: number) {
  const log: { path: string; at: number }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    log.push({ path, at: clock.now() });
    if (clock.now() < upAt) return new Response("<html>502</html>", { status: 502 });
    if (path === "/healthcheck") return Response.json({ status: "healthy" });
    return sseResponse([`retry: 5000\n\n${statusBlock(40)}${completeBlock()}`]);
  };
  return { fetch, streams: () => log.filter((r) => r.path.startsWith("/sse/")), log };
}

describe("watchPlan shares the client's outage episode", () => {
  it("waits on the episode's one probe during a 120 s window and reconnects within a probe interval after it", async () => {
    const clock = createManualClock();
    const start = clock.now();
    const server = restartingServer(clock, start + 120_000);
    const episode = createOutageEpisode({ fetch: server.fetch, clock, probeIntervalMs: 1_000 });
    const watch = watchPlan(URL_, { clock, fetch: server.fetch, episode });
    const end = await clock.runUntil(watch.closed);
    expect(end).toMatchObject({ reason: "complete", event: { state: "completed" } });
    const streams = server.streams();
    expect(streams).toHaveLength(2); // the one that met the 502, the one after recovery
    expect((streams[1]?.at ?? 0) - (start + 120_000)).toBeLessThanOrEqual(1_000);
    const probes = server.log.filter((r) => r.path === "/healthcheck");
    expect(probes.length).toBeLessThanOrEqual(122);
    expect(episode.state).toBe("up");
  });

  it("with `episode: false`, the stream backs off on its own through the same window", async () => {
    const clock = createManualClock();
    const server = restartingServer(clock, clock.now() + 120_000);
    const watch = watchPlan(URL_, {
      clock,
      fetch: server.fetch,
      retry: { random: () => 0.5 },
      episode: false,
    });
    expect((await clock.runUntil(watch.closed)).reason).toBe("complete");
    expect(server.streams().length).toBeGreaterThan(10);
  });

  it("gives up at the deadline while the episode stays down", async () => {
    const clock = createManualClock();
    const server = restartingServer(clock, Number.POSITIVE_INFINITY);
    const episode = createOutageEpisode({ fetch: server.fetch, clock });
    const watch = watchPlan(URL_, {
      clock,
      fetch: server.fetch,
      episode,
      retry: { deadlineMs: 30_000 },
    });
    const end = await clock.runUntil(watch.closed);
    expect(end).toMatchObject({ reason: "error", error: { code: "DEADLINE_EXCEEDED" } });
    expect(server.streams()).toHaveLength(1);
    episode.close();
  });

  it("by default, 200 standalone watchers of one origin share one episode: at most one probe a second, each back within one probe interval", async () => {
    const clock = createManualClock();
    const start = clock.now();
    const server = restartingServer(clock, start + 120_000);
    // Counted from here: the registry is process-wide, and earlier tests of this file may hold episodes.
    const held = sharedEpisodeCount();
    const watches = Array.from({ length: 200 }, (_, i) =>
      watchPlan(URL_.replace(/.$/, String(i % 10)), { clock, fetch: server.fetch }),
    );
    expect(sharedEpisodeCount()).toBe(held + 1);
    const ends = await clock.runUntil(Promise.all(watches.map((w) => w.closed)));
    expect(ends.every((end) => end.reason === "complete")).toBe(true);
    const inWindow = server.log.filter((r) => r.at > start && r.at < start + 120_000);
    const probes = inWindow.filter((r) => r.path === "/healthcheck");
    expect(inWindow.length - probes.length).toBe(0); // no stream reconnects into the window
    expect(probes.length).toBeLessThanOrEqual(121);
    const reconnects = server.streams().filter((r) => r.at >= start + 120_000);
    expect(reconnects).toHaveLength(200);
    for (const r of reconnects) expect(r.at - (start + 120_000)).toBeLessThanOrEqual(1_000);
    // The last watcher to end released the episode.
    expect(sharedEpisodeCount()).toBe(held);
  });

  it("a standalone watcher whose caller aborts while the shared episode is down ends at once", async () => {
    const clock = createManualClock();
    const server = restartingServer(clock, Number.POSITIVE_INFINITY);
    const held = sharedEpisodeCount();
    const controller = new AbortController();
    const watch = watchPlan(URL_, { clock, fetch: server.fetch, signal: controller.signal });
    expect(sharedEpisodeCount()).toBe(held + 1);
    await clock.advance(5_000);
    expect(server.streams()).toHaveLength(1);
    const reason = new Error("user pressed Ctrl-C");
    controller.abort(reason);
    // No clock move: the abort alone ends it.
    await expect(watch.closed).resolves.toEqual({ reason: "aborted", error: reason });
    expect(sharedEpisodeCount()).toBe(held);
  });
});
