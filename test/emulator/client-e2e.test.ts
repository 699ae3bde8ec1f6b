import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanExeClient } from "../../src/client.js";
import { type DeployKind, DOUBLE_API_KEY, type Emulator } from "../../src/emulator/index.js";
import type { PlanWatchEvent } from "../../src/sse/index.js";
import { watchPlan } from "../../src/sse/index.js";
import { isAlive, startFastEmulator, waitFor } from "./helpers.js";

// The SDK end to end on real processes and sockets: PlanExeClient calls and
// watchPlan subscribers stay up while the emulator deploys under them. Plans are
// long (30 s) so they are surely running when the deploy hits, however slow the
// machine; once the deploy is over the client stops them, and every watcher must
// get exactly one `complete` (state `stopped`) on the new replicas.
let emulator: Emulator;
const allPids = new Set<number>();

beforeAll(async () => {
  emulator = await startFastEmulator(1000);
}, 30_000);

afterAll(async () => {
  await emulator?.stop({ graceMs: 500 });
  for (const pid of allPids) expect(isAlive(pid), `pid ${pid} outlived the emulator`).toBe(false);
});

const remember = () => {
  for (const pid of emulator.pids()) allPids.add(pid);
};

// A short backoff cap keeps the test's tail short; the policy is otherwise the default.
const retry = { maxDelayMs: 1000 };

interface Watched {
  planId: string;
  events: PlanWatchEvent[];
  done: Promise<unknown>;
}

function watch(sseUrl: string, planId: string, client?: PlanExeClient): Watched {
  const events: PlanWatchEvent[] = [];
  const subscription = watchPlan(sseUrl, {
    retry,
    heartbeatTimeoutMs: 5000,
    ...(client?.episode ? { episode: client.episode } : {}),
  });
  const done = (async () => {
    for await (const event of subscription) events.push(event);
    return subscription.closed;
  })();
  return { planId, events, done };
}

async function throughDeploy(mode: DeployKind) {
  remember();
  const client = new PlanExeClient({ baseUrl: emulator.url, apiKey: DOUBLE_API_KEY, retry });
  const plans = await Promise.all(
    ["A bakery in Lisbon", "A ferry line to Tromsø"].map((prompt) =>
      client.createPlan(`${prompt} (${mode})`),
    ),
  );
  const watchers = plans.flatMap((plan) =>
    [0, 1, 2].map((i) =>
      watch(
        plan.sse_url ?? `${emulator.url}/sse/plan/${plan.plan_id}`,
        plan.plan_id,
        i === 0 ? client : undefined,
      ),
    ),
  );
  // Deploy once every watcher is connected, while the plans run.
  await Promise.all(
    watchers.map((w) =>
      waitFor(() => w.events.some((e) => e.type === "status"), {
        what: "every watcher's first status",
        timeoutMs: 20_000,
      }),
    ),
  );
  const oldPids = emulator.replicas.map((r) => r.pid);
  const deploying = emulator.deploy({
    mode,
    windowMs: mode === "restart" ? 1500 : 0,
    graceMs: 1000,
  });
  let deployed = false;
  const markDeployed = () => {
    deployed = true;
  };
  deploying.then(markDeployed, markDeployed);
  // Calls in flight through the deploy: a new plan, a list, and status reads every 200 ms until it ends.
  const calls: Array<Promise<unknown>> = [
    client.createPlan(`A plan created during the ${mode} deploy`),
    client.listPlans({ limit: 10 }),
  ];
  let i = 0;
  while (!deployed) {
    calls.push(client.getStatus(plans[i++ % 2]?.plan_id as string));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const report = await deploying;
  remember();
  expect(calls.length).toBeGreaterThan(3);
  for (const plan of plans) calls.push(client.stopPlan(plan.plan_id));
  const settled = await Promise.allSettled(calls);
  const ends = await Promise.all(watchers.map((w) => w.done));
  await client.close();
  return { plans, watchers, report, settled, ends, oldPids };
}

describe("PlanExeClient and watchPlan through emulator deploys", () => {
  for (const mode of ["restart", "rolling"] as const) {
    it(`${mode}: zero failed calls, exactly one complete per watcher, no plan lost`, async () => {
      const { plans, watchers, report, settled, ends, oldPids } = await throughDeploy(mode);

      const failed = settled.filter((s) => s.status === "rejected");
      expect(failed.map((f) => String((f as PromiseRejectedResult).reason))).toEqual([]);

      for (const [i, w] of watchers.entries()) {
        expect(ends[i]).toMatchObject({ reason: "complete" });
        const completes = w.events.filter((e) => e.type === "complete");
        expect(completes).toHaveLength(1);
        expect(completes[0]).toMatchObject({ plan_id: w.planId, state: "stopped" });
        // Each distinct snapshot once and in order: progress never repeats or goes back.
        const progress = w.events.flatMap((e) =>
          e.type === "status" && e.state === "processing" ? [e.progress_percentage] : [],
        );
        expect(progress).toEqual([...new Set(progress)].sort((a, b) => a - b));
      }
      // The deploy reached the watchers: their streams ended and they reconnected.
      expect(watchers.every((w) => w.events.some((e) => e.type === "reconnecting"))).toBe(true);
      for (const pid of oldPids) expect(isAlive(pid)).toBe(false);
      expect(report.mode).toBe(mode);
      if (mode === "rolling") expect(report.unavailableMs).toBe(0);
      else expect(report.unavailableMs).toBeGreaterThanOrEqual(1500);

      // No plan lost: the plans and the one created mid-deploy are all on the new replicas.
      const check = new PlanExeClient({ baseUrl: emulator.url, apiKey: DOUBLE_API_KEY });
      const listed = await check.listPlans({ limit: 50 });
      await check.close();
      const byId = new Map(listed.plans.map((p) => [p.plan_id, p]));
      for (const plan of plans) expect(byId.get(plan.plan_id)?.state).toBe("stopped");
      const createdDuring = (settled[0] as PromiseFulfilledResult<{ plan_id: string }>).value;
      expect(byId.has(createdDuring.plan_id)).toBe(true);
    }, 60_000);
  }
});
