import { afterEach, describe, expect, it } from "vitest";
import { PlanExeClient } from "../../src/client.js";
import type { PlanClientWatchEvent, PlanWatchWarning } from "../../src/index.js";
import { createPlanExeDouble, type PlanExeDouble } from "../../src/testing/index.js";

/** PlanExeClient.watch / waitForPlan on the PlanExe double (its fetch, its clock). */

const KEY = "pex_test_0123456789abcdef";
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function setup(wrapFetch?: (fetch: PlanExeDouble["fetch"]) => PlanExeDouble["fetch"]) {
  // The worker's fallback poll once per 30 s step (each new plan kicks it): virtual timers cost real time.
  const double = createPlanExeDouble({ apiKeys: [KEY], planSeconds: 600, workerPollMs: 30_000 });
  const fetch = wrapFetch ? wrapFetch(double.fetch) : double.fetch;
  const client = new PlanExeClient({
    baseUrl: double.baseUrl,
    apiKey: KEY,
    clock: double.clock,
    fetch,
  });
  closers.push(async () => {
    await client.close();
    double.close();
  });
  const run = <T>(promise: Promise<T>) => double.clock.runUntil(promise, { maxMs: 3 * 3_600_000 });
  return { double, client, run };
}

/** A running plan, and a deploy 120 s later that restarts the worker under it (PlanExe fails the plan). */
async function failedByWorkerRestart() {
  const world = setup();
  const plan = await world.run(world.client.createPlan("A ferry timetable for the Faroe Islands"));
  world.double.deploy.restart({
    at: world.double.clock.now() + 120_000,
    windowMs: 60_000,
    restartWorker: true,
    workerGraceMs: 10_000,
  });
  return { ...world, plan };
}

async function collect(watch: AsyncIterable<PlanClientWatchEvent>) {
  const events: PlanClientWatchEvent[] = [];
  for await (const event of watch) events.push(event);
  return events;
}

function progressOf(events: PlanClientWatchEvent[]) {
  return events.flatMap((e) => (e.type === "status" ? [e.progress_percentage] : []));
}

/** Each snapshot (state + progress) at most once. */
function expectDistinctSnapshots(events: PlanClientWatchEvent[]) {
  const keys = events.flatMap((e) =>
    e.type === "status" ? [`${e.state}|${e.progress_percentage}`] : [],
  );
  expect(new Set(keys).size).toBe(keys.length);
}

describe("PlanExeClient.watch", () => {
  it("follows the plan's sse_url through a 120 s restart window to one complete, then sends nothing", async () => {
    const { double, client, run } = setup();
    const plan = await run(client.createPlan("A night ferry from Kiel to Oslo"));
    double.deploy.restart({ at: double.clock.now() + 200_000, windowMs: 120_000 });
    const watch = client.watch(plan.plan_id);
    const events = await run(collect(watch));
    expect(await watch.closed).toMatchObject({ reason: "complete", event: { state: "completed" } });
    expect(events.filter((e) => e.type === "complete")).toHaveLength(1);
    const progress = progressOf(events);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expectDistinctSnapshots(events);
    expect(double.requests.count({ path: `/sse/plan/${plan.plan_id}` })).toBeGreaterThan(1);
    // Nothing from the watcher after its complete. (The MCP SDK reopens its standalone
    // `GET /mcp` stream, which PlanExe answers and the deploy cut: the SDK's, not the watch's.)
    const sent = () =>
      double.requests.filter().filter((r) => !(r.method === "GET" && r.path === "/mcp"));
    const total = sent().length;
    await double.clock.advance(15 * 60_000);
    expect(sent().length).toBe(total);
  });

  it("waitForPlan returns the final plan_status and reports each status once", async () => {
    const { client, run } = setup();
    const plan = await run(client.createPlan("A rooftop garden in Porto"));
    const seen: string[] = [];
    const final = await run(
      client.waitForPlan(plan.plan_id, {
        onProgress: (s) => seen.push(`${s.state}|${s.progress_percentage}`),
      }),
    );
    expect(final).toMatchObject({
      plan_id: plan.plan_id,
      state: "completed",
      progress_percentage: 100,
    });
    expect(final.files_count).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(3);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("falls back to polling plan_status at a rate-limit-safe pace when the stream route is missing", async () => {
    const { double, client, run } = setup(
      (inner) => async (input, init) =>
        new URL(new Request(input, init).url).pathname.startsWith("/sse/")
          ? new Response('{"detail":"Not Found"}', { status: 404 })
          : inner(input, init),
    );
    const plan = await run(client.createPlan("A bike-share for Ghent"));
    const warnings: PlanWatchWarning[] = [];
    const started = double.clock.now();
    const events = await run(
      collect(client.watch(plan.plan_id, { onWarning: (w) => warnings.push(w) })),
    );
    expect(warnings.map((w) => w.code)).toEqual(["POLLING_FALLBACK"]);
    expect(events.at(-1)).toMatchObject({ type: "complete", state: "completed" });
    const progress = progressOf(events);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expectDistinctSnapshots(events);
    const minutes = (double.clock.now() - started) / 60_000;
    const polls = double.requests.count({ tool: "plan_status", since: started });
    expect(polls / minutes).toBeLessThanOrEqual(7);
  });

  it("autoResume: a plan failed by a worker restart is resumed and watched to completion", async () => {
    const { double, client, run, plan } = await failedByWorkerRestart();
    const events = await run(collect(client.watch(plan.plan_id, { autoResume: true })));
    const resumed = events.filter((e) => e.type === "resumed");
    expect(resumed).toEqual([
      expect.objectContaining({ attempt: 1, failed: expect.objectContaining({ state: "failed" }) }),
    ]);
    expect(events.filter((e) => e.type === "complete")).toEqual([
      expect.objectContaining({ state: "completed" }),
    ]);
    expect(double.requests.count({ tool: "plan_resume" })).toBe(1);
  });

  it("without autoResume the same failure is the one complete, with the server's error", async () => {
    const { double, client, run, plan } = await failedByWorkerRestart();
    const events = await run(collect(client.watch(plan.plan_id)));
    expect(events.filter((e) => e.type === "complete")).toEqual([
      expect.objectContaining({
        state: "failed",
        error: expect.objectContaining({ code: "generation_failed" }),
      }),
    ]);
    expect(double.requests.count({ tool: "plan_resume" })).toBe(0);
  });

  it("a plan that is already done yields its complete without opening a stream", async () => {
    const { double, client, run } = setup();
    const plan = await run(client.createPlan("A tiny library in Tartu"));
    await double.clock.advance(700_000);
    const events = await run(collect(client.watch(plan.plan_id)));
    expect(events).toEqual([
      expect.objectContaining({ type: "complete", state: "completed", progress_percentage: 100 }),
    ]);
    expect(double.requests.count({ path: `/sse/plan/${plan.plan_id}` })).toBe(0);
  });

  it("an onWarning that throws ends the watch with a typed error instead of hanging it", async () => {
    const { client, run } = setup(
      (inner) => async (input, init) =>
        new URL(new Request(input, init).url).pathname.startsWith("/sse/")
          ? new Response('{"detail":"Not Found"}', { status: 404 })
          : inner(input, init),
    );
    const plan = await run(client.createPlan("A cable car for Wuppertal"));
    const boom = new Error("the host's logger broke");
    const watch = client.watch(plan.plan_id, {
      onWarning: () => {
        throw boom;
      },
    });
    const iterated = run(collect(watch)).then(
      () => undefined,
      (error: unknown) => error,
    );
    const end = await run(watch.closed);
    expect(end).toMatchObject({ reason: "error", error: { code: "STREAM_FAILED", cause: boom } });
    expect(await iterated).toMatchObject({ code: "STREAM_FAILED" });
  });

  it("client.close() ends an open watch", async () => {
    const { client, run } = setup();
    const plan = await run(client.createPlan("A tiny library in Tartu"));
    const watch = client.watch(plan.plan_id);
    await run(
      (async () => {
        for await (const event of watch) if (event.type === "status") break;
      })(),
    );
    const other = client.watch(plan.plan_id);
    await client.close();
    expect((await run(other.closed)).reason).toBe("aborted");
    expect(() => client.watch("")).toThrow(TypeError);
  });
});
