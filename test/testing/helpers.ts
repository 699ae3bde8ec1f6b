import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { setupServer } from "msw/node";
import {
  createPlanExeDouble,
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
  server.listen({ onUnhandledRequest: "error" });
  teardowns.push(() => {
    server.close();
    double.close();
  });
  return double;
}

/** The official MCP SDK client over the global fetch (which msw intercepts). */
export async function connectMcpClient(baseUrl = BASE): Promise<Client> {
  const client = new Client({ name: "testing-kit-test", version: "0.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`)));
  return client;
}

/** `structuredContent` of a tool result, loosely typed for assertions. */
export function structured(result: unknown): Record<string, unknown> {
  return (result as { structuredContent: Record<string, unknown> }).structuredContent;
}

/** Reads a progress stream until it ends; returns the text and how it ended. */
export async function readAll(
  body: ReadableStream<Uint8Array>,
): Promise<{ text: string; error: unknown }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { text, error: undefined };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}
