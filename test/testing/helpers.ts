import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { setupServer } from "msw/node";
import {
  createPlanExeDouble,
  DOUBLE_API_KEY,
  type PlanExeDouble,
  type PlanExeDoubleOptions,
} from "../../src/testing/index.js";

export const BASE = "https://mcp.planexe.org";

const teardowns: (() => void)[] = [];

/** Runs every teardown registered by {@link startDouble}; call it from `afterEach`. */
export function stopDoubles(): void {
  for (const teardown of teardowns.splice(0)) teardown();
}

/** A PlanExe double on a manual clock, served to the global `fetch` through msw. */
export function startDouble(options: PlanExeDoubleOptions = {}): PlanExeDouble {
  const double = createPlanExeDouble(options);
  const server = setupServer(...double.handlers);
  double.attach(server);
  server.listen({ onUnhandledRequest: "error" });
  teardowns.push(() => {
    server.close();
    double.close();
  });
  return double;
}

/** The official MCP SDK client over the global fetch (which msw intercepts), sending the double's default key. */
export async function connectMcpClient(baseUrl = BASE, apiKey = DOUBLE_API_KEY): Promise<Client> {
  const client = new Client({ name: "testing-kit-test", version: "0.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${apiKey}` } },
    }),
  );
  return client;
}

/** `structuredContent` of a tool result, loosely typed for assertions. */
export function structured(result: unknown): Record<string, unknown> {
  return (result as { structuredContent: Record<string, unknown> }).structuredContent;
}

/** Creates a plan straight on the world (no request logged) and returns its id. */
export function createPlan(double: PlanExeDouble, prompt = "Open a bakery in Aarhus"): string {
  const outcome = double.world.callTool("plan_create", { prompt });
  if (!outcome.ok) throw new Error(`plan_create failed: ${outcome.error.code}`);
  return outcome.result.plan_id as string;
}

/** How a progress stream ended, with everything read after the first chunk. */
export interface StreamEnd {
  text: string;
  /** The read error (a cut connection), or `undefined` when the body ended cleanly. */
  error: unknown;
}

/**
 * Opens a progress stream, reads its first chunk (the `retry:` line and the first
 * status), then keeps reading in the background until the body ends or errors.
 */
export async function openStream(planId: string): Promise<{
  response: Response;
  first: string;
  end: Promise<StreamEnd>;
  cancel: () => Promise<void>;
}> {
  const response = await fetch(`${BASE}/sse/plan/${planId}`);
  if (!response.body) throw new Error(`no body: HTTP ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const { value } = await reader.read();
  const first = decoder.decode(value);
  const end = (async (): Promise<StreamEnd> => {
    let text = "";
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return { text, error: undefined };
        text += decoder.decode(chunk.value, { stream: true });
      }
    } catch (error) {
      return { text, error };
    }
  })();
  return { response, first, end, cancel: () => reader.cancel() };
}
