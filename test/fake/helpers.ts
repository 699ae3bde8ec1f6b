import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import {
  createPlanExeApp,
  createPlanExeWorld,
  DOUBLE_API_KEY,
  type PlanExeAppOptions,
  type PlanExeWorld,
  type PlanExeWorldOptions,
} from "../../src/fake/index.js";
import { createManualClock } from "../../src/testing/manual-clock.js";

export const BASE = "http://planexe.test";
/** The key the double accepts by default, as an `Authorization` header. */
export const AUTH = { authorization: `Bearer ${DOUBLE_API_KEY}` };

/** A world on a manual clock, one replica, and a fetch that goes straight to it. */
export function setup(options: PlanExeWorldOptions = {}, appOptions: PlanExeAppOptions = {}) {
  const clock = createManualClock();
  const world = createPlanExeWorld({ clock, ...options });
  const app = createPlanExeApp(world, appOptions);
  const fetch = (input: string | URL | Request, init?: RequestInit) =>
    app.fetch(new Request(input, init));
  return { clock, world, app, fetch };
}

/** A JSON POST (MCP's accept header included) with extra headers. */
export function post(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

/** A JSON-RPC `tools/call` message. */
export const toolCall = (name: string, args: Record<string, unknown> = {}, id = 1) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: args },
});

/** The official MCP SDK client, connected to `fetch`; sends the double's default key unless `headers` say otherwise. */
export async function connectClient(
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>,
  headers: Record<string, string> = AUTH,
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
