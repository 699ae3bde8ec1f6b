#!/usr/bin/env node
import { VERSION } from "../version.js";
import type { Command } from "./command.js";
import { ExitCode, usageError } from "./exit-codes.js";
import type { CliEnv } from "./output.js";
import { runMain } from "./run.js";

/** A subcommand, loaded only when run (a usage error or `--help` starts fast). */
interface Entry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

const COMMANDS: Entry[] = [
  {
    name: "create",
    summary: "start a plan from a prompt (argument, --file or stdin); prints its id",
    load: async () => (await import("./commands/create.js")).createCommand,
  },
  {
    name: "status",
    summary: "a plan's state, progress, step and files",
    load: async () => (await import("./commands/status.js")).statusCommand,
  },
  {
    name: "watch",
    summary: "follow a plan to its end (same as watch-plan)",
    load: async () => (await import("./commands/watch.js")).watchCommand,
  },
  {
    name: "list",
    summary: "your plans, newest first (needs an API key)",
    load: async () => (await import("./commands/list.js")).listCommand,
  },
  {
    name: "stop",
    summary: "ask a running plan to stop (safe to repeat)",
    load: async () => (await import("./commands/stop.js")).stopCommand,
  },
  {
    name: "retry",
    summary: "re-run a failed plan from scratch",
    load: async () => (await import("./commands/rerun.js")).retryCommand,
  },
  {
    name: "resume",
    summary: "continue a failed plan, keeping its finished steps",
    load: async () => (await import("./commands/rerun.js")).resumeCommand,
  },
  {
    name: "download",
    summary: "save a finished plan's report and zip (sha256-checked)",
    load: async () => (await import("./commands/download.js")).downloadCommand,
  },
  {
    name: "mcp",
    summary: "a local MCP server on stdio for Claude, Cursor and VS Code (deploy-proof)",
    load: async () => (await import("./commands/mcp.js")).mcpCommand,
  },
  {
    name: "emulator",
    summary: "run a local PlanExe with Railway-style deploys (`emulator deploy`)",
    load: async () => (await import("./commands/emulator.js")).emulatorCommand,
  },
  {
    name: "doctor",
    summary: "the after-deploy checklist: health, tools, progress stream, plans processing",
    load: async () => (await import("./commands/doctor.js")).doctorCommand,
  },
];

const HELP = `Usage: planexe-client <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join("\n")}

--version prints this package's version. Every command takes --help. Server commands take --url (env PLANEXE_URL,
default https://mcp.planexe.org), --api-key-file (or env PLANEXE_API_KEY; --api-key
works too but shows the key in the process list) and --timeout.
`;

/** `planexe-client <command> …`. */
export function planexeClient(args: string[], env: CliEnv): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    env.output.out(HELP);
    return Promise.resolve(name === undefined ? ExitCode.ERROR : ExitCode.OK);
  }
  if (name === "--version" || name === "-v") {
    env.output.out(`${VERSION}\n`);
    return Promise.resolve(ExitCode.OK);
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return Promise.reject(usageError("planexe-client", `unknown command "${name}"`));
  return command.load().then((loaded) => loaded.run(rest, env));
}

runMain(planexeClient);
