import * as nodeModule from "node:module";
import { rememberSecret } from "../errors/redact.js";
import { CliError, ExitCode } from "./exit-codes.js";
import { type CliEnv, type Output, processOutput, redactingOutput } from "./output.js";

/**
 * Runs a CLI entry in this process: Ctrl-C / SIGTERM abort its signal, a thrown
 * `CliError` is one line on stderr, and the process exits with the code.
 */
export function runMain(main: (args: string[], env: CliEnv) => Promise<number>): void {
  enableCompileCache();
  const controller = new AbortController();
  let interrupted = 0;
  const onSignal = () => {
    interrupted += 1;
    // A second Ctrl-C leaves at once.
    if (interrupted > 1) process.exit(ExitCode.INTERRUPTED);
    controller.abort(new CliError("interrupted", ExitCode.INTERRUPTED));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const env = process.env;
  const output: Output = redactingOutput(processOutput(), secretsOf(process.argv, env));
  const cliEnv: CliEnv = {
    output,
    env,
    readStdin: (maxBytes) => readStdin(controller.signal, maxBytes),
    signal: controller.signal,
  };
  runCli(main, process.argv.slice(2), cliEnv).then((code) => {
    process.exitCode = code;
    // Leave even if a socket or timer is still open.
    setImmediate(() => process.exit(code));
  });
}

/**
 * From Node 22.1 on, V8's compiled code of every module loaded after this (the
 * command, the MCP SDK, zod) is kept on disk (in the OS temp dir, or NODE_COMPILE_CACHE;
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off), so the next start of a bin skips
 * compiling them, as `tsc` does: an MCP host starts `planexe-client mcp` anew for
 * every session. Node 22.0 has no such cache; nothing happens there.
 */
function enableCompileCache(): void {
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
}

/** Runs `main` and turns a thrown error into a line on stderr and its exit code. */
async function runCli(
  main: (args: string[], env: CliEnv) => Promise<number>,
  args: string[],
  env: CliEnv,
): Promise<number> {
  try {
    return await main(args, env);
  } catch (error) {
    if (env.signal.aborted) return ExitCode.INTERRUPTED;
    const message = error instanceof Error ? error.message : String(error);
    env.output.err(`${message}\n`);
    return error instanceof CliError ? error.exitCode : ExitCode.ERROR;
  }
}

/** The API keys this run was given (flag or env): never written, whatever the message. */
export function secretsOf(argv: string[], env: Record<string, string | undefined>): string[] {
  const found = [env.PLANEXE_API_KEY ?? ""];
  argv.forEach((arg, i) => {
    if (argv[i - 1] === "--api-key") found.push(arg);
    if (arg.startsWith("--api-key=")) found.push(arg.slice("--api-key=".length));
  });
  const secrets = found.filter((secret) => secret.length >= 4);
  // So errors built anywhere in the SDK are redacted of them too.
  for (const secret of secrets) rememberSecret(secret);
  return secrets;
}

/**
 * All of stdin, or `null` past `maxBytes` (`yes | planexe-client create` must not fill
 * memory); Ctrl-C ends the wait at once, whatever stdin does (a pipe that never closes).
 */
function readStdin(signal: AbortSignal, maxBytes: number): Promise<string | undefined | null> {
  if (process.stdin.isTTY) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const stdin = process.stdin;
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= maxBytes) return;
      done();
      stdin.destroy();
      resolve(null);
    };
    const done = () => {
      signal.removeEventListener("abort", onAbort);
      stdin.off("data", onData).off("end", onEnd).off("error", onError);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks).toString("utf8"));
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onAbort = () => {
      done();
      stdin.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    stdin.on("data", onData).once("end", onEnd).once("error", onError);
  });
}
