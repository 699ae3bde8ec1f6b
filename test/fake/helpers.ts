import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  createPlanExeApp,
  createPlanExeWorld,
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
