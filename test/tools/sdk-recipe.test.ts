import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { setupServer } from "msw/node";
import { afterEach, describe, expect, it } from "vitest";
import { createResilientFetch, planexeResendable } from "../../src/index.js";
import { createPlanExeDouble } from "../../src/testing/index.js";
import { KEY } from "./helpers.js";

// The recipe docs/recipes/surviving-deploys-with-the-mcp-sdk.md, on the msw double.
const teardowns: (() => void)[] = [];
afterEach(() => {
  for (const teardown of teardowns.splice(0)) teardown();
});

async function recipe() {
  const double = createPlanExeDouble({ apiKeys: [KEY], planSeconds: 600 });
  const server = setupServer(...double.handlers);
  const detach = double.attach(server);
  server.listen({ onUnhandledRequest: "error" });
  teardowns.push(() => {
    detach();
    server.close();
    double.close();
  });
  const fetch = createResilientFetch({ clock: double.clock, resendable: planexeResendable });
  const transport = new StreamableHTTPClientTransport(new URL(`${double.baseUrl}/mcp`), {
    fetch,
    requestInit: { headers: { "X-API-Key": KEY } },
  });
  const client = new Client({ name: "recipe", version: "1.0.0" });
  const timeout = 200_000;
  await double.clock.runUntil(client.connect(transport, { timeout }));
  teardowns.push(() => void client.close());
  const call = (name: string, args: Record<string, unknown>) =>
    double.clock.runUntil(
      client.callTool({ name, arguments: args }, { timeout }) as Promise<{
        structuredContent?: Record<string, unknown>;
        isError?: boolean;
      }>,
    );
  return { double, call };
}

describe("the recipe: a plain MCP SDK Client with createResilientFetch({ resendable: planexeResendable })", () => {
  it("a plan_create whose response is lost yields one plan, without listing tools first", async () => {
    const { double, call } = await recipe();
    double.failNext({ tool: "plan_create", after: "response-lost" });
    const result = await call("plan_create", { prompt: "Open a bakery" });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ deduplicated: true });
    expect(double.world.store.list()).toHaveLength(1);
  });

  it("a plan_retry whose response is lost is not sent twice by the fetch", async () => {
    const { double, call } = await recipe();
    const created = await call("plan_create", { prompt: "A plan that fails" });
    const planId = created.structuredContent?.plan_id as string;
    double.world.failPlan(planId);
    double.failNext({ tool: "plan_retry", after: "response-lost" });
    await expect(call("plan_retry", { plan_id: planId })).rejects.toMatchObject({
      name: "TransportError",
    });
    expect(double.requests.count({ tool: "plan_retry" })).toBe(1);
    expect(double.world.getPlan(planId)?.run).toBe(1);
  });

  it("a call made during a 120 s restart window is answered once it ends", async () => {
    const { double, call } = await recipe();
    const window = double.deploy.restart({ windowMs: 120_000 });
    const result = await call("example_prompts", {});
    expect(double.clock.now()).toBeGreaterThanOrEqual(window.endsAt);
    expect(result.structuredContent).toHaveProperty("samples");
  });
});
