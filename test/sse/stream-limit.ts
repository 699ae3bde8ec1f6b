import { expect, onTestFinished } from "vitest";
import { PlanExeClient } from "../../src/client.js";
import { createPlanExeDouble } from "../../src/testing/index.js";

/**
 * A PlanExe double whose progress stream answers over the connection limit as
 * `emulateToday` says (true: today's 200 with a body that aborts with no bytes, the
 * double's default; false: `proposal: true`, the real 429 SSE_CONNECTION_LIMIT), and a
 * client on its clock and fetch.
 * `refusedPlan` creates a plan whose stream the limit refuses: five streams of another
 * watcher at the same address hold the limit while they stay open (`freeOne` closes one).
 * All of it is closed when the test that made it ends.
 */
export function streamLimitWorld(options: {
  emulateToday: boolean;
  planSeconds: number;
  apiKey: string;
}) {
  const double = createPlanExeDouble({
    apiKeys: [options.apiKey],
    planSeconds: options.planSeconds,
    proposal: !options.emulateToday,
  });
  const client = new PlanExeClient({
    baseUrl: double.baseUrl,
    apiKey: options.apiKey,
    clock: double.clock,
    fetch: double.fetch,
  });
  const held: Response[] = [];
  const run = <T>(promise: Promise<T>) => double.clock.runUntil(promise, { maxMs: 3_600_000 });
  const holdLimit = async (planId: string) => {
    const opened = await run(
      Promise.all(
        Array.from({ length: 5 }, () => double.fetch(`${double.baseUrl}/sse/plan/${planId}`)),
      ),
    );
    expect(opened.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    held.push(...opened);
    return { freeOne: () => void opened[0]?.body?.cancel() };
  };
  /**
   * Creates the plan a test follows, and a second plan queued behind it whose five
   * streams stay open (pending, then heartbeats), so the limit is full for the first.
   */
  const refusedPlan = async (prompt: string) => {
    const plan = await run(client.createPlan(prompt));
    const other = await run(client.createPlan(`Queued behind: ${prompt}`));
    return { plan, ...(await holdLimit(other.plan_id)) };
  };
  onTestFinished(async () => {
    await Promise.all(held.map((r) => r.body?.cancel()));
    await client.close();
    double.close();
  });
  return { double, client, run, refusedPlan };
}
