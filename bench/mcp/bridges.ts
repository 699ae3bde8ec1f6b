import { existsSync, mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

/** The two ways a host reaches PlanExe over stdio. */
export type BridgeName = "planexe-client mcp" | "mcp-remote";
export const BRIDGES: BridgeName[] = ["planexe-client mcp", "mcp-remote"];

const MAIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

/** mcp-remote's bin, from the pinned devDependency (nothing is downloaded at run time). */
function mcpRemoteBin(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("mcp-remote/package.json")), "dist", "proxy.js");
}

/** The command a host config would hold for `bridge`, pointed at `baseUrl`. */
function commandOf(
  bridge: BridgeName,
  baseUrl: string,
): { args: string[]; env: Record<string, string> } {
  if (bridge === "planexe-client mcp") {
    if (!existsSync(MAIN)) throw new Error("dist/cli/main.js is missing: run `npx tsup` first");
    return { args: [MAIN, "mcp", "--url", baseUrl], env: {} };
  }
  return {
    args: [mcpRemoteBin(), `${baseUrl}/mcp`, "--allow-http"],
    // Its token store, kept out of the user's home.
    env: { MCP_REMOTE_CONFIG_DIR: mkdtempSync(join(tmpdir(), "mcp-remote-")) },
  };
}

/** A bridge process with an MCP SDK client on its stdio, as a host runs it. */
export interface RunningBridge {
  client: Client;
  pid: number | null;
  /** Whether the process has exited. */
  exited(): boolean;
  close(): Promise<void>;
}

/** Starts `bridge` and runs `initialize`; rejects when it fails (or after `connectTimeoutMs`). */
export async function startBridge(
  bridge: BridgeName,
  baseUrl: string,
  connectTimeoutMs = 60_000,
): Promise<RunningBridge> {
  const { args, env } = commandOf(bridge, baseUrl);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    env,
    stderr: "ignore",
  });
  let exited = false;
  transport.onclose = () => {
    exited = true;
  };
  const client = new Client({ name: "bench-host", version: "1.0.0" });
  const timer = setTimeout(() => void transport.close(), connectTimeoutMs);
  try {
    await client.connect(transport, { timeout: connectTimeoutMs });
  } finally {
    clearTimeout(timer);
  }
  // The SDK's client sets its own onclose on connect; chain ours.
  const sdkOnClose = transport.onclose;
  transport.onclose = () => {
    exited = true;
    sdkOnClose?.();
  };
  return {
    client,
    pid: transport.pid,
    exited: () => exited,
    close: () => client.close(),
  };
}
