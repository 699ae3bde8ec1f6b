import type { Readable, Writable } from "node:stream";
import type { Server } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";

/**
 * Serves `server` over stdio until stdin ends (the host closed it) or `signal`
 * aborts (SIGINT/SIGTERM), then closes it. Only JSON-RPC is written to `stdout`.
 */
export async function serveStdio(
  server: Server,
  io: { stdin: Readable; stdout: Writable; signal: AbortSignal },
): Promise<void> {
  const { stdin, stdout, signal } = io;
  const ended = new Promise<void>((resolve) => {
    stdin.once("end", resolve);
    stdin.once("close", resolve);
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await server.connect(new StdioServerTransport(stdin, stdout));
  await ended;
  await server.close();
}
