import type { Command } from "./command.js";
import { createCommand } from "./commands/create.js";
import { doctorCommand } from "./commands/doctor.js";
import { downloadCommand } from "./commands/download.js";
import { emulatorCommand } from "./commands/emulator.js";
import { listCommand } from "./commands/list.js";
import { resumeCommand, retryCommand } from "./commands/rerun.js";
import { statusCommand } from "./commands/status.js";
import { stopCommand } from "./commands/stop.js";
import { watchCommand } from "./commands/watch.js";
import { ExitCode, usageError } from "./exit-codes.js";
import type { CliEnv } from "./output.js";
import { runMain } from "./run.js";

const COMMANDS: Command[] = [
  createCommand,
  statusCommand,
  watchCommand,
  listCommand,
  stopCommand,
  retryCommand,
  resumeCommand,
  downloadCommand,
  emulatorCommand,
  doctorCommand,
];

const HELP = `Usage: planexe-client <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join("\n")}

Every command takes --help. Server commands take --url (env PLANEXE_URL,
default https://mcp.planexe.org), --api-key (env PLANEXE_API_KEY) and --timeout.
`;

/** `planexe-client <command> …`. */
export function planexeClient(args: string[], env: CliEnv): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    env.output.out(HELP);
    return Promise.resolve(name === undefined ? ExitCode.ERROR : ExitCode.OK);
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) return Promise.reject(usageError("planexe-client", `unknown command "${name}"`));
  return command.run(rest, env);
}

runMain(planexeClient);
