import { subscribe, unsubscribe } from "node:diagnostics_channel";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import type { CallToolResult } from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { DOUBLE_API_KEY } from "../../src/emulator/index.js";
import { serveFetch } from "../../src/emulator/node-http.js";
import { createPlanExeApp, type PlanExeWorld } from "../../src/fake/index.js";
import { MAIN, requireBuild } from "../cli/helpers.js";
import { isAlive, waitFor } from "../emulator/helpers.js";

/** `planexe-client mcp` as a host runs it: a subprocess driven by the MCP SDK's own stdio client. */
export interface LocalServer {
  client: Client;
  pid: number;
  /** Everything the server wrote to stderr (its diagnostics). */
  stderr(): string;
  /** Closes stdin (as a host does) and waits until the process is gone. */
  close(): Promise<void>;
}

/** One progress notification as the host received it. */
export interface Progress {
  progress: number;
  total?: number | undefined;
  message?: string | undefined;
}

/** Starts `planexe-client mcp --url <url> …args` and connects (initialize) to it. */
export async function startLocalServer(
  url: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<LocalServer> {
  requireBuild();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MAIN, "mcp", "--url", url, ...args],
    // The emulator is PlanExe as deployed: auth on, with the double's default key.
    env: { PLANEXE_API_KEY: DOUBLE_API_KEY, ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const client = new Client({ name: "planexe-client-test", version: "1.0.0" });
  const protocolErrors: unknown[] = [];
  client.onerror = (error) => protocolErrors.push(error);
  await client.connect(transport);
  const pid = transport.pid as number;
  return {
    client,
    pid,
    stderr: () => stderr,
    async close() {
      await client.close();
      await waitFor(() => !isAlive(pid), { what: "the server process to exit" });
      // Anything on stdout that was not JSON-RPC would have surfaced here.
      if (protocolErrors.length > 0)
        throw new Error(`protocol errors: ${protocolErrors.join("; ")}`);
    },
  };
}

/** Calls `name` with a progress token; collects the notifications the call got. */
export async function callWithProgress(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  options: { signal?: AbortSignal } = {},
): Promise<{ result: CallToolResult; progress: Progress[] }> {
  const progress: Progress[] = [];
  const result = (await client.callTool(
    { name, arguments: args },
    {
      onprogress: (p) => progress.push(p),
      // The host's own limit is not under test: the server's budget is.
      timeout: 300_000,
      ...(options.signal && { signal: options.signal }),
    },
  )) as CallToolResult;
  return { result, progress };
}

/** The JSON a successful (or failed) result carries. */
export function structured(result: CallToolResult): Record<string, unknown> {
  return (result.structuredContent ?? {}) as Record<string, unknown>;
}

/**
 * The progress streams open at the emulator's edge right now, seen from the test
 * process (the edge is its only `node:http` server; Node announces each request on
 * the `http.server.request.start` diagnostics channel).
 */
export function trackOpenStreams(): { open(): number; opened(): number; stop(): void } {
  let open = 0;
  let opened = 0;
  const onRequest = (message: unknown) => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    if (!request.url?.startsWith("/sse/plan/")) return;
    open += 1;
    opened += 1;
    response.once("close", () => {
      open -= 1;
    });
  };
  subscribe("http.server.request.start", onRequest);
  return {
    open: () => open,
    opened: () => opened,
    stop: () => unsubscribe("http.server.request.start", onRequest),
  };
}

/** The PlanExe double's world served on loopback, as one replica would serve it. */
export interface ServedPlanExe {
  url: string;
  /** `tools/call` requests that reached the world, by tool name. */
  calls(tool: string): number;
  /** The next answer to a `tools/call` of `tool` is cut after PlanExe ran it (its fate unknown to the caller). */
  cutNextAnswer(tool: string): void;
  close(): Promise<void>;
}

/** A loopback port nothing listens on (yet). */
export async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Serves `createPlanExeApp(world)` on 127.0.0.1 (`port` 0: a free one). */
export async function servePlanExe(world: PlanExeWorld, port = 0): Promise<ServedPlanExe> {
  const app = createPlanExeApp(world);
  const counts = new Map<string, number>();
  const cuts = new Set<string>();
  const handler = async (request: Request): Promise<Response> => {
    const body = request.method === "POST" ? await request.clone().text() : "";
    const call = /"method":"tools\/call".*?"name":"([^"]+)"/.exec(body)?.[1];
    if (call) counts.set(call, (counts.get(call) ?? 0) + 1);
    const response = await app.fetch(request);
    if (!call || !cuts.delete(call)) return response;
    await response.body?.cancel();
    // Headers go out, then the connection drops: the tool ran, its answer is lost.
    const cut = new ReadableStream({ pull: (controller) => controller.error(new Error("cut")) });
    return new Response(cut, { status: 200, headers: { "content-type": "application/json" } });
  };
  const server = createHttpServer(serveFetch(handler));
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    calls: (tool) => counts.get(tool) ?? 0,
    cutNextAnswer: (tool) => void cuts.add(tool),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      app.close();
    },
  };
}
