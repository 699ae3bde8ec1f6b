// A new project as a user makes one: `"type": "module"`, TypeScript's own `tsc --init`
// settings (strict, NodeNext), and `planexe-client` installed, here as a link to this
// repository (its built dist/, as `npm install <tarball>` would give it) next to the
// repository's own dependencies.
import { type ChildProcess, spawn } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

export const ROOT = realpathSync(join(import.meta.dirname, "..", ".."));

/** Creates the project in a new temporary directory and returns its path. */
export function createProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "planexe-docs-"));
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: "my-app", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`,
  );
  // What `tsc --init` (TypeScript 5.9) writes, less its output options (nothing is
  // emitted), plus Node's types (`npm install -D @types/node`) and JavaScript checked too.
  const compilerOptions = {
    module: "nodenext",
    target: "esnext",
    types: ["node"],
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    strict: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    noUncheckedSideEffectImports: true,
    moduleDetection: "force",
    skipLibCheck: true,
    allowJs: true,
    checkJs: true,
    noEmit: true,
  };
  writeFileSync(
    join(dir, "tsconfig.json"),
    `${JSON.stringify({ compilerOptions, include: ["blocks"] }, null, 2)}\n`,
  );
  mkdirSync(join(dir, "blocks"));
  const modules = join(dir, "node_modules");
  const bin = join(modules, ".bin");
  mkdirSync(bin, { recursive: true });
  const repoModules = join(ROOT, "node_modules");
  for (const name of readdirSync(repoModules)) {
    if (name.startsWith(".") || name === "planexe-client") continue;
    symlinkSync(join(repoModules, name), join(modules, name));
  }
  symlinkSync(ROOT, join(modules, "planexe-client"));
  for (const name of readdirSync(join(repoModules, ".bin")))
    symlinkSync(realpathSync(join(repoModules, ".bin", name)), join(bin, name));
  // The package's own bins, as npm links them on install.
  symlinkSync(join(ROOT, "dist", "cli", "main.js"), join(bin, "planexe-client"));
  symlinkSync(join(ROOT, "dist", "cli", "watch-plan.js"), join(bin, "watch-plan"));
  return dir;
}

/** The environment a block runs in: the user's, with the project's bins first and `extra`. */
export function projectEnv(dir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env))
    if (name.startsWith("VITEST") || name === "NODE_OPTIONS" || name.startsWith("PLANEXE_"))
      delete env[name];
  env.PATH = `${join(dir, "node_modules", ".bin")}:${process.env.PATH ?? ""}`;
  env.npm_config_offline = "true";
  env.npm_config_update_notifier = "false";
  env.NODE_ENV = "test";
  return { ...env, ...extra };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (SIGKILLed after `timeoutMs`); never rejects. */
export function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; input?: string },
): Promise<Run> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  return collect(child, options.timeoutMs ?? 30_000, options.input ?? "");
}

function collect(child: ChildProcess, timeoutMs: number, input: string): Promise<Run> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.stdin?.on("error", () => {});
  child.stdin?.end(input);
  // The whole process group: a shell block's background children go too.
  const kill = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {}
  };
  const killer = setTimeout(() => {
    stderr += `\n[docs test: killed after ${timeoutMs} ms]`;
    kill();
  }, timeoutMs);
  return new Promise((resolve) => {
    child.once("error", (error) => {
      clearTimeout(killer);
      resolve({ code: 127, stdout, stderr: `${stderr}${error.message}` });
    });
    child.once("close", (code, signal) => {
      clearTimeout(killer);
      kill();
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/**
 * Starts an MCP server the way a host does (command, args, env, stdio, through the
 * MCP SDK's stdio client, as Claude Code, Cursor and VS Code do), lists its tools and
 * closes it.
 */
export async function listToolsAsHost(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<{ tools: string[]; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env))
    if (value !== undefined) env[name] = value;
  const transport = new StdioClientTransport({
    command,
    args,
    env,
    cwd: options.cwd,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const client = new Client({ name: "docs-test-host", version: "1.0.0" });
  const signal = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  try {
    await client.connect(transport, { signal });
    const { tools } = await client.listTools(undefined, { signal });
    return { tools: tools.map((tool) => tool.name), stderr };
  } catch (error) {
    throw new Error(`${(error as Error).message}\nstderr: ${stderr}`);
  } finally {
    await client.close().catch(() => {});
  }
}
