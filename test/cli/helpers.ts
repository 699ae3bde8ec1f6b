import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command } from "../../src/cli/command.js";
import type { CliEnv } from "../../src/cli/output.js";

// PLANEXE_CLI_DIST points the tests at another build of the bins (a private one while others rebuild dist/).
const DIST = process.env.PLANEXE_CLI_DIST
  ? `${process.env.PLANEXE_CLI_DIST.replace(/\/+$/, "")}/`
  : fileURLToPath(new URL("../../dist/cli/", import.meta.url));
export const MAIN = `${DIST}main.js`;
export const WATCH_PLAN = `${DIST}watch-plan.js`;
export const DEMO = `${DIST}demo.js`;

/** The built bins must exist: `npm test` builds them; run `npx tsup` before `vitest run test/cli`. */
export function requireBuild(): void {
  if (!existsSync(MAIN) || !existsSync(WATCH_PLAN) || !existsSync(DEMO))
    throw new Error("dist/cli is missing: run `npx tsup` (npm test does) before the CLI tests");
}

/** A CLI run as a subprocess, its output collected as it comes. */
export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process exited (a signal counts as 128 + n). */
  readonly exit: Promise<number>;
  /** Resolves once stdout matches `pattern`; rejects when the process exits first. */
  waitForStdout(pattern: RegExp): Promise<void>;
}

/**
 * Starts `node <bin> …args` with a clean PlanExe environment plus `env`. It is
 * SIGKILLed after `killAfterMs` so a hung run fails its test instead of the suite.
 */
export function startCli(
  bin: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  {
    killAfterMs = 90_000,
    input = "",
  }: {
    killAfterMs?: number;
    /** Written to stdin, which is then closed; `null` leaves stdin open (a pipe that never ends). */
    input?: string | null;
  } = {},
): CliRun {
  const base = { ...process.env };
  delete base.PLANEXE_URL;
  delete base.PLANEXE_API_KEY;
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...base, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  // EPIPE: the CLI stopped reading stdin (it may refuse a prompt too long to read).
  child.stdin?.on("error", () => {});
  if (input !== null) child.stdin?.end(input);
  let stdout = "";
  let stderr = "";
  const waiters: Array<() => void> = [];
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  let exited = false;
  const exit = new Promise<number>((resolve) => {
    child.once("close", (code, signal) => {
      clearTimeout(killer);
      exited = true;
      for (const wake of waiters.splice(0)) wake();
      resolve(code ?? (signal === "SIGKILL" ? 137 : signal === "SIGINT" ? 130 : 128));
    });
  });
  const waitForStdout = async (pattern: RegExp) => {
    while (!pattern.test(stdout)) {
      if (exited) throw new Error(`exited before stdout matched ${pattern}: ${stdout}${stderr}`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { child, stdout: () => stdout, stderr: () => stderr, exit, waitForStdout };
}

/** Runs the CLI to its end. */
export async function runCli(
  bin: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  input = "",
): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = startCli(bin, args, env, { input });
  const code = await run.exit;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Calls a PlanExe tool through the REST mirror from the test process (setup, not under test). */
export async function callTool(
  baseUrl: string,
  apiKey: string,
  tool: string,
  args: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}/mcp/tools/call`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify({ tool, arguments: args }),
  });
  const body = (await response.json()) as { content: Array<{ text: string }> };
  return JSON.parse(body.content[0]?.text ?? "{}") as Record<string, unknown>;
}

/** Polls the plan until `until(state)`; rejects after `timeoutMs`. */
export async function waitForState(
  baseUrl: string,
  apiKey: string,
  planId: string,
  until: (state: string) => boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await callTool(baseUrl, apiKey, "plan_status", { plan_id: planId });
    if (until(String(status.state))) return;
    if (Date.now() > deadline) throw new Error(`plan still ${String(status.state)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Runs one CLI command in this process (so an msw double answers it), with `env`
 * as its environment; returns its exit code and what it wrote.
 */
export async function runInProcess(
  command: Command,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const cliEnv: CliEnv = {
    output: {
      out: (text) => {
        out += text;
      },
      err: (text) => {
        err += text;
      },
      isTTY: false,
      columns: 120,
    },
    env,
    readStdin: async () => undefined,
    signal: new AbortController().signal,
  };
  const code = await command.run(args, cliEnv);
  return { code, out, err };
}
