import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

/** What one start of an MCP stdio server took, as the host that spawned it saw it. */
export interface FirstAnswer {
  /** Spawn → the `initialize` result, in ms. */
  initializeMs: number;
  /** Spawn → the `tools/list` result, in ms (the number the bench reports). */
  toolsListMs: number;
  /** How many tools `tools/list` listed. */
  tools: number;
}

export interface StartOptions {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Give up after this long (an install from an empty cache included). */
  timeoutMs: number;
}

const PROTOCOL_VERSION = "2025-06-18";

/**
 * Spawns `command` as an MCP host does (stdio pipes, a JSON-RPC message per line) and
 * speaks the start of the protocol itself: `initialize` written at once (the pipe holds
 * it until the server reads), `notifications/initialized` and `tools/list` after its
 * answer. Resolves when `tools/list` is answered; the process (and its group: `npx`
 * runs the server as a child) is then ended. Rejects with the end of stderr when the
 * server exits, answers with an error, or takes longer than `timeoutMs`.
 */
export function timeFirstAnswer(options: StartOptions): Promise<FirstAnswer> {
  const started = performance.now();
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"],
    // Its own process group, so the server npx starts is ended with it.
    detached: true,
  });
  let stderr = "";
  let stdout = "";
  let initializeMs = Number.NaN;
  const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  const end = () => {
    child.stdin.end();
    signalGroup("SIGTERM");
  };
  return new Promise<FirstAnswer>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      end();
      reject(new Error(`${options.args.join(" ")}: ${why}; stderr: ${stderr.slice(-1500)}`));
    };
    const timer = setTimeout(
      () => fail(`no tools/list after ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    child.once("error", (error) => fail(error.message));
    child.once("exit", (code, signal) => fail(`exited (${code ?? signal}) before tools/list`));
    child.stdin.on("error", () => {});
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      for (let newline = stdout.indexOf("\n"); newline >= 0; newline = stdout.indexOf("\n")) {
        const line = stdout.slice(0, newline).trim();
        stdout = stdout.slice(newline + 1);
        if (!line) continue;
        let message: { id?: unknown; result?: { tools?: unknown[] }; error?: unknown };
        try {
          message = JSON.parse(line);
        } catch {
          return fail(`wrote a line that is not JSON-RPC: ${line.slice(0, 200)}`);
        }
        if (message.error) return fail(`answered with an error: ${JSON.stringify(message.error)}`);
        if (message.id === 1) {
          initializeMs = performance.now() - started;
          send({ jsonrpc: "2.0", method: "notifications/initialized" });
          send({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} });
        } else if (message.id === 2) {
          const toolsListMs = performance.now() - started;
          const tools = message.result?.tools?.length ?? 0;
          clearTimeout(timer);
          child.removeAllListeners("exit");
          // The next start waits until this one's processes are gone.
          const kill = setTimeout(() => signalGroup("SIGKILL"), 5000);
          child.once("exit", () => {
            clearTimeout(kill);
            resolve({ initializeMs, toolsListMs, tools });
          });
          end();
        }
      }
    });
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: "cold-start-bench", version: "1.0.0" },
      },
    });
  });
}
