import { describe, expect, it } from "vitest";
import type { PlanClientWatchEvent, PlanWatchEvent, PlanWatchWarning } from "../../src/index.js";
import { watchPlan } from "../../src/sse/index.js";
import { streamLimitWorld } from "./stream-limit.js";

/**
 * PlanExe's stream connection limit (contract, progress stream item 7: 5 streams per
 * client address per process; today a 200 `text/event-stream` whose body aborts with
 * no bytes, with the proposal a real 429 SSE_CONNECTION_LIMIT), on the PlanExe
 * double's virtual clock. Five other streams from the same address hold the limit.
 */

const KEY = "pex_limits_stream_key_0123456789";

const MODES = [
  { name: "today's PlanExe (200, body aborted with no bytes)", emulateToday: true },
  { name: "the proposal's real 429 SSE_CONNECTION_LIMIT", emulateToday: false },
] as const;

function setup(emulateToday: boolean, planSeconds: number) {
  return streamLimitWorld({ emulateToday, planSeconds, apiKey: KEY });
}

/** Collects a watch's events with the clock time each arrived at. */
async function collect<E extends { type: string }>(
  watch: AsyncIterable<E>,
  now: () => number,
): Promise<{ event: E; at: number }[]> {
  const seen: { event: E; at: number }[] = [];
  for await (const event of watch) seen.push({ event, at: now() });
  return seen;
}

describe.each(MODES)("a stream refused by the connection limit: $name", ({ emulateToday }) => {
  it("client.watch shows progress by polling plan_status while refused, goes back to the stream within seconds of a free slot, and ends with one complete", async () => {
    const { double, client, run, refusedPlan } = setup(emulateToday, 300);
    const { plan, freeOne } = await refusedPlan("A lighthouse keeper's rota for Heligoland");
    const started = double.clock.now();
    const warnings: PlanWatchWarning[] = [];
    // The slot frees after 250 s: longer than the stream's 180 s deadline of one outage.
    const freedAt = started + 250_000;
    double.clock.setTimer(freeOne, 250_000);
    const seen = await run(
      collect(client.watch(plan.plan_id, { onWarning: (w) => warnings.push(w) }), () =>
        double.clock.now(),
      ),
    );
    const events = seen.map((s) => s.event);
    const streamPath = `/sse/plan/${plan.plan_id}`;

    // Refused, over and over: each told as a reconnect whose cause is the refusal.
    const refusals = seen.filter(
      (s): s is { event: Extract<PlanClientWatchEvent, { type: "reconnecting" }>; at: number } =>
        s.event.type === "reconnecting" &&
        ["SSE_CONNECTION_LIMIT", "RATE_LIMITED"].includes(s.event.cause.code),
    );
    expect(refusals.length).toBeGreaterThanOrEqual(3);
    expect(refusals.every((r) => r.at < freedAt)).toBe(true);
    // Tried again about once a second (not 20 s, 40 s, …), and never past the free slot by more than that.
    const attempts = double.requests.filter({ path: streamPath, until: freedAt });
    expect(attempts.length).toBeGreaterThan(150);
    const gaps = attempts.slice(1).map((r, i) => r.at - (attempts[i]?.at ?? 0));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2_000);
    // Past the 180 s deadline of one outage too: the stream is tried afresh while polling goes on.
    expect(
      double.requests.count({ path: streamPath, since: started + 200_000, until: freedAt }),
    ).toBeGreaterThanOrEqual(30);

    // Progress shown meanwhile, from plan_status, at a pace within PlanExe's 60 calls a minute.
    const beforeFree = seen.filter((s) => s.at < freedAt && s.event.type === "status");
    expect(beforeFree.length).toBeGreaterThanOrEqual(10);
    const polls = double.requests.count({ tool: "plan_status", since: started, until: freedAt });
    expect(polls).toBeGreaterThanOrEqual(20);
    expect(polls / ((freedAt - started) / 60_000)).toBeLessThanOrEqual(7);
    expect(warnings.map((w) => w.code)).toEqual(["POLLING_FALLBACK"]);

    // Accepted within seconds of the free slot; polling stops then.
    const connected = seen.find((s) => s.event.type === "connected" && s.at >= freedAt);
    expect(connected).toBeDefined();
    expect((connected?.at ?? 0) - freedAt).toBeLessThanOrEqual(2_000);
    const pollsAfter = double.requests.count({
      tool: "plan_status",
      since: (connected?.at ?? 0) + 1,
    });
    expect(pollsAfter).toBe(0);

    // One complete, last; each snapshot once, in order.
    const completes = events.filter((e) => e.type === "complete");
    expect(completes).toEqual([expect.objectContaining({ state: "completed" })]);
    expect(events.at(-1)?.type).toBe("complete");
    const progress = events.flatMap((e) => (e.type === "status" ? [e.progress_percentage] : []));
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const snapshots = events.flatMap((e) =>
      e.type === "status" ? [`${e.state} ${e.progress_percentage}`] : [],
    );
    expect(new Set(snapshots).size).toBe(snapshots.length);
    // The stream told the end within its 3 s database poll of the plan's 300 s.
    expect((seen.at(-1)?.at ?? 0) - started).toBeLessThanOrEqual(300_000 + 3_000);
  });

  it("client.watch ends with the one complete polling finds when the plan ends while the stream is still refused", async () => {
    const { double, client, run, refusedPlan } = setup(emulateToday, 60);
    const { plan } = await refusedPlan("A night bus for Reykjavik");
    const started = double.clock.now();
    const seen = await run(collect(client.watch(plan.plan_id), () => double.clock.now()));
    const events = seen.map((s) => s.event);
    expect(events.filter((e) => e.type === "complete")).toEqual([
      expect.objectContaining({ state: "completed", progress_percentage: 100 }),
    ]);
    expect(events.filter((e) => e.type === "connected")).toEqual([]);
    expect(events.filter((e) => e.type === "status").length).toBeGreaterThanOrEqual(3);
    // Found by the next poll (every 10 s) after the plan's 60 s.
    expect((seen.at(-1)?.at ?? 0) - started).toBeLessThanOrEqual(60_000 + 10_000 + 1_000);
    // Nothing more is sent once the watch ended.
    const total = double.requests.count();
    await double.clock.advance(60_000);
    expect(double.requests.count()).toBe(total);
  });

  it("watchPlan (no client) re-tries the stream about once a second and connects within seconds of a free slot", async () => {
    const { double, run, refusedPlan } = setup(emulateToday, 120);
    const { plan, freeOne } = await refusedPlan("A cargo bike depot in Utrecht");
    const started = double.clock.now();
    double.clock.setTimer(freeOne, 30_000);
    const watch = watchPlan(plan.sse_url ?? `${double.baseUrl}/sse/plan/${plan.plan_id}`, {
      fetch: double.fetch,
      clock: double.clock,
    });
    const seen = await run(collect<PlanWatchEvent>(watch, () => double.clock.now()));
    const reconnects = seen.filter((s) => s.event.type === "reconnecting");
    expect(reconnects.length).toBeGreaterThanOrEqual(3);
    for (const r of reconnects)
      if (r.event.type === "reconnecting") expect(r.event.delayMs).toBeLessThanOrEqual(1_200);
    const connected = seen.find((s) => s.event.type === "connected");
    expect((connected?.at ?? 0) - (started + 30_000)).toBeLessThanOrEqual(2_000);
    expect(seen.filter((s) => s.event.type === "complete")).toHaveLength(1);
    expect(await watch.closed).toMatchObject({ reason: "complete" });
  });
});
