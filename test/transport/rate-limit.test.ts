import { afterEach, describe, expect, it } from "vitest";
import { PlanExeClient } from "../../src/client.js";
import { createPlanExeDouble, type PlanExeDouble } from "../../src/testing/index.js";

/**
 * PlanExe's rate limit as it behaves (contract, Transport: 60 requests / 60 s, a
 * sliding window per API key that does not count refused requests, 429 without
 * Retry-After), on the PlanExe double's virtual clock, through PlanExeClient.
 */

const KEY_A = "pex_limits_key_a_0123456789";
const KEY_B = "pex_limits_key_b_0123456789";
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function setup(options: { retryAfterSeconds?: number } = {}) {
  const double = createPlanExeDouble({
    apiKeys: [KEY_A, KEY_B],
    planSeconds: 600,
    rateLimit: {
      limit: 60,
      windowMs: 60_000,
      ...(options.retryAfterSeconds !== undefined && {
        retryAfterSeconds: options.retryAfterSeconds,
      }),
    },
  });
  const client = (apiKey: string) => {
    const made = new PlanExeClient({
      baseUrl: double.baseUrl,
      apiKey,
      clock: double.clock,
      fetch: double.fetch,
      // No jitter: each 429 is followed by a try exactly rateLimitDelayMs (1 s) later.
      retry: { random: () => 0.5 },
    });
    closers.push(() => made.close());
    return made;
  };
  closers.push(() => double.close());
  const run = <T>(promise: Promise<T>) => double.clock.runUntil(promise, { maxMs: 600_000 });
  return { double, client, run };
}

/** Spends what is left of `client`'s 60-request window now (the window then frees 60 s later). */
async function spendWindow(
  double: PlanExeDouble,
  run: <T>(p: Promise<T>) => Promise<T>,
  client: PlanExeClient,
  planId: string,
) {
  const since = double.clock.now();
  // Every request so far counted in the same window (they were all sent at this instant);
  // PlanExe counts every method on /mcp, the MCP SDK's GET /mcp stream too.
  const counted = double.requests.count({ path: /^\/mcp(\/|\/tools\/call)?$/ });
  await run(Promise.all(Array.from({ length: 60 - counted }, () => client.getStatus(planId))));
  expect(double.requests.count({ status: 429, since })).toBe(0);
}

describe("PlanExe's rate limit (429 without Retry-After)", () => {
  it("two 429s in a row cost two seconds, not a minute, and nothing is sent but the two tries", async () => {
    const { double, client, run } = setup();
    const a = client(KEY_A);
    const plan = await run(a.createPlan("A footbridge over the Limmat"));
    await spendWindow(double, run, a, plan.plan_id);
    const spentAt = double.clock.now();
    // 58 s later the window is still full; its oldest request ages out at +60 s.
    await double.clock.advance(58_000);
    const askedAt = double.clock.now();
    const status = await run(a.getStatus(plan.plan_id));
    expect(status.plan_id).toBe(plan.plan_id);
    const tries = double.requests.filter({ tool: "plan_status", since: askedAt });
    expect(tries.map((r) => [r.at - askedAt, r.status])).toEqual([
      [0, 429],
      [1_000, 429],
      [2_000, 200],
    ]);
    expect(double.clock.now() - askedAt).toBe(2_000);
    expect(double.clock.now() - spentAt).toBe(60_000);
    // Only those three: no health probe, no tools/list, nothing else.
    expect(double.requests.count({ since: askedAt })).toBe(3);
  });

  it("ten calls held by one key's 429 send one try a second between them, then all go", async () => {
    const { double, client, run } = setup();
    const a = client(KEY_A);
    const plan = await run(a.createPlan("A ropeway up the Säntis"));
    await spendWindow(double, run, a, plan.plan_id);
    await double.clock.advance(55_000);
    const askedAt = double.clock.now();
    const all = await run(Promise.all(Array.from({ length: 10 }, () => a.getStatus(plan.plan_id))));
    expect(all).toHaveLength(10);
    const refused = double.requests.filter({ status: 429, since: askedAt });
    // The first burst of ten is refused at once; after it, one try per second until +5 s.
    const later = refused.filter((r) => r.at > askedAt).map((r) => r.at - askedAt);
    expect(later).toEqual([1_000, 2_000, 3_000, 4_000]);
    expect(double.requests.count({ status: 200, since: askedAt })).toBe(10);
    expect(double.clock.now() - askedAt).toBe(5_000);
  });

  it("a 429 to one key does not hold a client of the same process with another key", async () => {
    const { double, client, run } = setup();
    const a = client(KEY_A);
    const b = client(KEY_B);
    const plan = await run(a.createPlan("A ferry across the Bodensee"));
    await spendWindow(double, run, a, plan.plan_id);
    const planB = await run(b.createPlan("A tram line to the Zoo"));
    await double.clock.advance(30_000);
    const askedAt = double.clock.now();
    // A is refused for another 30 s; its call waits and tries about once a second.
    const held = a.getStatus(plan.plan_id);
    await double.clock.advance(10);
    expect(double.requests.count({ status: 429, since: askedAt })).toBe(1);
    // B, with its own budget on PlanExe, is answered at once.
    let answeredAt: number | undefined;
    const other = b.getStatus(planB.plan_id).then((s) => {
      answeredAt = double.clock.now();
      return s;
    });
    await double.clock.advance(0);
    await run(other);
    expect(answeredAt).toBe(askedAt + 10);
    expect(double.requests.filter({ tool: "plan_status", since: askedAt + 10 })[0]?.status).toBe(
      200,
    );
    await run(held);
    expect(double.clock.now() - askedAt).toBeLessThanOrEqual(31_000);
  });

  it("honours a Retry-After when the server sends one", async () => {
    const { double, client, run } = setup({ retryAfterSeconds: 7 });
    const a = client(KEY_A);
    const plan = await run(a.createPlan("A cable car over the Rhine"));
    await spendWindow(double, run, a, plan.plan_id);
    await double.clock.advance(50_000);
    const askedAt = double.clock.now();
    await run(a.getStatus(plan.plan_id));
    const tries = double.requests.filter({ tool: "plan_status", since: askedAt });
    expect(tries.map((r) => [r.at - askedAt, r.status])).toEqual([
      [0, 429],
      [7_000, 429],
      [14_000, 200],
    ]);
  });
});
