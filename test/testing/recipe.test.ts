// The code of docs/recipes/testing-with-deploy-windows.md, run as a test so the recipe stays true.
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { createResilientFetch, PlanExeClient, watchPlan } from "../../src/index.js";
import { createPlanExeDouble, DOUBLE_API_KEY } from "../../src/testing/index.js";

const double = createPlanExeDouble({ planSeconds: 600 });
const server = setupServer(...double.handlers);
double.attach(server);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => double.requests.clear());
afterAll(() => {
  server.close();
  double.close();
});

it("an MCP SDK client on createResilientFetch rides out a 120 s restart", async () => {
  const client = new Client({ name: "my-integration", version: "1.0.0" });
  const fetch = createResilientFetch({ clock: double.clock });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${double.baseUrl}/mcp`), { fetch }),
  );
  await client.listTools();

  const window = double.deploy.restart({ windowMs: 120_000 });
  const result = await double.clock.runUntil(
    client.callTool({ name: "example_prompts", arguments: {} }),
  );

  expect(result.isError).toBeFalsy();
  expect(double.clock.now()).toBeGreaterThanOrEqual(window.endsAt);
  // The edge saw one probe per second of the window (plus the call itself), not a storm.
  expect(double.requests.count({ status: 502 })).toBeLessThanOrEqual(121);
  expect(double.requests.entries.at(-1)).toMatchObject({ status: 200, replica: 2 });
  await client.close();
});

it("a plan_create whose response is lost yields one plan", async () => {
  const client = new PlanExeClient({
    baseUrl: double.baseUrl,
    apiKey: DOUBLE_API_KEY,
    clock: double.clock,
  });
  double.failNext({ tool: "plan_create", after: "response-lost" });

  const plan = await double.clock.runUntil(client.createPlan("A bakery in Aarhus"));

  expect(plan.deduplicated).toBe(true);
  const aarhus = double.world.store.list().filter((p) => p.prompt === "A bakery in Aarhus");
  expect(aarhus.map((p) => p.plan_id)).toEqual([plan.plan_id]);
  expect(double.requests.count({ tool: "plan_create" })).toBe(2);
  await client.close();
});

it("a progress watcher gets exactly one complete through a rolling deploy mid-plan", async () => {
  const client = new PlanExeClient({
    baseUrl: double.baseUrl,
    apiKey: DOUBLE_API_KEY,
    clock: double.clock,
  });
  const plan = await double.clock.runUntil(client.createPlan("A harbour sauna"));
  const start = double.clock.now();
  const window = double.deploy.rolling({ at: start + 120_000, windowMs: 30_000 });

  const watch = watchPlan(`${double.baseUrl}/sse/plan/${plan.plan_id}`, { clock: double.clock });
  const seen: string[] = [];
  const done = (async () => {
    for await (const event of watch)
      if (event.type === "status" || event.type === "complete") seen.push(event.type);
  })();
  await double.clock.runUntil(done);

  expect(seen.filter((type) => type === "complete")).toHaveLength(1);
  expect(seen.at(-1)).toBe("complete");
  expect(double.world.getPlan(plan.plan_id)?.state).toBe("completed");
  // The watcher crossed replicas: drained on the old one, it resumed on the new one.
  const streams = double.requests.filter({ path: `/sse/plan/${plan.plan_id}` });
  expect(streams.at(-1)?.replica).toBe(window.incomingReplica);
  expect(streams[0]?.replica).not.toBe(window.incomingReplica);
  await client.close();
});
