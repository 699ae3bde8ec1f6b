/**
 * Tests an integration through PlanExe deploys without a server: the msw double on a
 * virtual clock runs a 120 s restart window and a 10-minute plan with a rolling deploy
 * in a fraction of a second. The same checks a vitest suite would make, with
 * node:assert. (docs/recipes/testing-with-deploy-windows.md)
 *
 *   npx tsx examples/testing-deploy-windows.ts
 *
 * It needs no server and ignores PLANEXE_URL.
 * In your own project, import from "planexe-client" and "planexe-client/testing".
 */
import assert from "node:assert/strict";
import { setupServer } from "msw/node";
import { PlanExeClient, watchPlan } from "../src/index.js";
import { createPlanExeDouble, DOUBLE_API_KEY } from "../src/testing/index.js";

// PlanExe as deployed (auth on, rate limit, today's stream); 10-minute plans in virtual time.
const double = createPlanExeDouble({ planSeconds: 600 });
const server = setupServer(...double.handlers);
double.attach(server); // lets a client's body.cancel() reach the double
server.listen({ onUnhandledRequest: "error" });
const started = performance.now();
const virtualStart = double.clock.now();

try {
  // Every part of the client runs on the double's clock, so its waits are virtual too.
  const client = new PlanExeClient({
    baseUrl: double.baseUrl,
    apiKey: DOUBLE_API_KEY, // the key the double accepts unless you pass `apiKeys`
    clock: double.clock,
  });

  // 1. A call made during a 120 s restart resolves after it, with one probe a second.
  const restart = double.deploy.restart({ windowMs: 120_000 });
  const prompts = await double.clock.runUntil(client.examplePrompts());
  assert.ok(prompts.samples.length > 0);
  assert.ok(double.clock.now() >= restart.endsAt);
  const badGateways = double.requests.count({ status: 502 });
  assert.ok(badGateways <= 121, `the edge saw ${badGateways} requests during the window`);
  console.log(`restart: a call rode out 120 s of 502s with ${badGateways} requests to the edge`);

  // 2. A plan_create whose answer is lost yields one plan (the server deduplicates the resend).
  double.failNext({ tool: "plan_create", after: "response-lost" });
  const plan = await double.clock.runUntil(client.createPlan("A harbour sauna"));
  assert.equal(plan.deduplicated, true);
  assert.equal(double.requests.count({ tool: "plan_create" }), 2);
  console.log("lost plan_create: resent once, one plan");

  // 3. A watcher through a rolling deploy mid-plan gets exactly one complete.
  const rolling = double.deploy.rolling({ at: double.clock.now() + 120_000, windowMs: 30_000 });
  const watch = watchPlan(`${double.baseUrl}/sse/plan/${plan.plan_id}`, { clock: double.clock });
  const seen: string[] = [];
  const done = (async () => {
    for await (const event of watch)
      if (event.type === "status" || event.type === "complete") seen.push(event.type);
  })();
  await double.clock.runUntil(done);
  assert.equal(seen.filter((type) => type === "complete").length, 1);
  assert.equal(seen.at(-1), "complete");
  const streams = double.requests.filter({ path: `/sse/plan/${plan.plan_id}` });
  assert.equal(streams.at(-1)?.replica, rolling.incomingReplica);
  console.log(
    `rolling: ${seen.length - 1} statuses and one complete across replicas, ` +
      `${Math.round((double.clock.now() - virtualStart) / 1000)} virtual s in ${Math.round(performance.now() - started)} ms`,
  );
  await client.close();
} finally {
  server.close();
  double.close();
}
