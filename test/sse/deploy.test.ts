import { afterEach, describe, expect, it } from "vitest";
import { type PlanWatchEvent, watchPlan } from "../../src/index.js";
import type { PlanExeDouble, PlanExeDoubleOptions } from "../../src/testing/index.js";
import { startDouble as startServedDouble, stopDoubles } from "../testing/helpers.js";

/**
 * watchPlan through Railway deploys on the PlanExe double (msw, virtual time): a
 * 120 s restart window and a rolling deploy in mid-plan, against the double's
 * default (today's PlanExe bytes, no ids) and with the proposal's resumable stream.
 */

afterEach(stopDoubles);

// The worker is kicked by each new plan; its fallback poll once per 30 s step, not every
// second, keeps the hours of virtual time these tests run from costing real seconds.
function startDouble(options: PlanExeDoubleOptions = {}): PlanExeDouble {
  return startServedDouble({ planSeconds: 600, workerPollMs: 30_000, ...options });
}

function createPlan(double: PlanExeDouble): { planId: string; sseUrl: string } {
  const outcome = double.world.callTool("plan_create", {
    prompt: "A night ferry from Kiel to Oslo",
  });
  if (!outcome.ok) throw new Error(`plan_create failed: ${outcome.error.code}`);
  const planId = outcome.result.plan_id as string;
  return {
    planId,
    sseUrl: (outcome.result.sse_url as string) ?? `${double.baseUrl}/sse/plan/${planId}`,
  };
}

async function watchToTheEnd(double: PlanExeDouble, sseUrl: string) {
  const watch = watchPlan(sseUrl, { clock: double.clock });
  const events: PlanWatchEvent[] = [];
  const consumed = (async () => {
    for await (const event of watch) events.push(event);
  })();
  const end = await double.clock.runUntil(watch.closed, { maxMs: 3 * 3_600_000 });
  await consumed;
  return { end, events, watch };
}

/** Every status at most once, in order (state never goes back, progress never drops). */
function expectStatusesOnceInOrder(events: PlanWatchEvent[]) {
  const statuses = events.flatMap((e) => (e.type === "status" ? [e] : []));
  const keys = statuses.map((s) => `${s.state}|${s.progress_percentage}`);
  expect(new Set(keys).size).toBe(keys.length);
  const rank = { pending: 0, processing: 1, completed: 2, failed: 2, stopped: 2 } as const;
  for (let i = 1; i < statuses.length; i++) {
    const [a, b] = [statuses[i - 1], statuses[i]] as [(typeof statuses)[0], (typeof statuses)[0]];
    expect(rank[b.state]).toBeGreaterThanOrEqual(rank[a.state]);
    expect(b.progress_percentage).toBeGreaterThanOrEqual(a.progress_percentage);
  }
  return statuses;
}

async function expectNoRequestAfterComplete(double: PlanExeDouble, planId: string) {
  const path = `/sse/plan/${planId}`;
  const before = double.requests.count({ path });
  await double.clock.advance(15 * 60_000);
  expect(double.requests.count({ path })).toBe(before);
}

for (const [mode, proposal] of [
  ["the proposal's resumable stream (ids)", true],
  ["today's PlanExe (no ids, the double's default)", false],
] as const) {
  describe(`watchPlan through deploys on the PlanExe double: ${mode}`, () => {
    it("a 120 s restart window in mid-plan: one complete, each status once and in order, nothing after", async () => {
      const double = startDouble({ proposal });
      const { planId, sseUrl } = createPlan(double);
      const window = double.deploy.restart({ at: double.clock.now() + 200_000, windowMs: 120_000 });
      const { end, events } = await watchToTheEnd(double, sseUrl);

      expect(window.state).toBe("done");
      expect(end).toMatchObject({ reason: "complete", event: { state: "completed" } });
      expect(events.filter((e) => e.type === "complete")).toHaveLength(1);
      expect(events.at(-1)).toMatchObject({
        type: "complete",
        plan_id: planId,
        progress_percentage: 100,
      });
      const statuses = expectStatusesOnceInOrder(events);
      expect(statuses.length).toBeGreaterThan(5);
      const reconnects = events.flatMap((e) => (e.type === "reconnecting" ? [e] : []));
      expect(reconnects.length).toBeGreaterThan(0);
      // The process's shared episode asks the edge (one probe a second); the stream waits.
      const inWindow = { since: window.at + 1, until: window.endsAt - 1 };
      expect(double.requests.count({ path: `/sse/plan/${planId}`, ...inWindow })).toBe(0);
      const probes = double.requests.filter({ path: "/healthcheck", ...inWindow });
      expect(probes.length).toBeGreaterThan(100);
      expect(probes.length).toBeLessThanOrEqual(121);
      expect(probes.every((r) => r.status === 502)).toBe(true);
      await expectNoRequestAfterComplete(double, planId);
    });

    it("a rolling deploy in mid-plan: one complete, each status once and in order, nothing after", async () => {
      const double = startDouble({ proposal });
      const { planId, sseUrl } = createPlan(double);
      const window = double.deploy.rolling({ at: double.clock.now() + 200_000, windowMs: 30_000 });
      const { end, events } = await watchToTheEnd(double, sseUrl);

      expect(window.state).toBe("done");
      expect(end).toMatchObject({ reason: "complete", event: { state: "completed" } });
      expect(events.filter((e) => e.type === "complete")).toHaveLength(1);
      expectStatusesOnceInOrder(events);
      const streams = double.requests.filter({ path: `/sse/plan/${planId}` });
      expect(new Set(streams.map((r) => r.replica)).size).toBeGreaterThan(1); // moved replica
      expect(streams.every((r) => r.status !== 502)).toBe(true); // no 502 in a rolling deploy
      // At most one reconnect meets the draining old replica (503, not acted on) before the new one.
      expect(streams.filter((r) => r.status === 503).length).toBeLessThanOrEqual(1);
      await expectNoRequestAfterComplete(double, planId);
    });
  });
}
