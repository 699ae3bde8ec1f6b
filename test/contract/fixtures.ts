import { readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join(import.meta.dirname, "../fixtures/planexe");

/** One answer form of a tool, from `test/fixtures/planexe/tools/<tool>.json`, found by the start of its name. */
export function planexeResult(tool: string, name: string): unknown {
  const fixtures = JSON.parse(readFileSync(join(DIR, "tools", `${tool}.json`), "utf8")) as {
    name: string;
    result: unknown;
  }[];
  const found = fixtures.find((fixture) => fixture.name.startsWith(name));
  if (!found) throw new Error(`no ${tool} fixture named "${name}…"`);
  return found.result;
}

/** A `Response` carrying `result` as the JSON-RPC answer to request `id` (for `answerNext`). */
export function rpcResult(id: unknown, result: unknown): Response {
  return Response.json({ jsonrpc: "2.0", id, result });
}

/** The JSON-RPC `initialize` request an MCP client opens a session with, as request `id`. */
export function initializeRequest(id: number) {
  return {
    jsonrpc: "2.0",
    id,
    method: "initialize",
    params: {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "t", version: "1" },
    },
  };
}
