import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  createPlanExeApp,
  createPlanExeWorld,
  type PlanExeWorld,
  type PlanExeWorldOptions,
} from "../../src/fake/index.js";
import { createManualClock } from "../../src/testing/manual-clock.js";

export const BASE = "http://planexe.test";

/** A world on a manual clock, one replica, and a fetch that goes straight to it. */
export function setup(options: PlanExeWorldOptions = {}) {
  const clock = createManualClock();
  const world = createPlanExeWorld({ clock, ...options });
  const app = createPlanExeApp(world);
  const fetch = (input: string | URL | Request, init?: RequestInit) =>
    app.fetch(new Request(input, init));
  return { clock, world, app, fetch };
}

/** The official MCP SDK client, connected to `fetch` with optional headers. */
export async function connectClient(
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>,
  headers: Record<string, string> = {},
): Promise<Client> {
  const client = new Client({ name: "fake-test", version: "0.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), {
    fetch: (url, init) => fetch(url, init),
    requestInit: { headers },
  });
  await client.connect(transport);
  return client;
}

/** `structuredContent` of a tool result, typed loosely for assertions. */
export function structured(result: unknown): Record<string, unknown> {
  return (result as { structuredContent: Record<string, unknown> }).structuredContent;
}

/** Creates a plan straight on the world and returns its id. */
export function createPlan(
  world: { callTool: PlanExeWorld["callTool"] },
  prompt: string,
  userId?: string,
): string {
  const outcome = world.callTool("plan_create", { prompt }, userId ? { userId } : {});
  if (!outcome.ok) throw new Error(`plan_create failed: ${outcome.error.code}`);
  return outcome.result.plan_id as string;
}
