import { deployRunningEmulator } from "../../emulator/index.js";
import { durationFlag, formatDuration } from "../args/duration.js";
import { intOption } from "../args/numbers.js";
import { parse } from "../args/parse.js";
import { CliError, ExitCode, usageError } from "../exit-codes.js";
import type { CliEnv } from "../output.js";

const NAME = "planexe-client emulator deploy";
const HELP = `Usage: planexe-client emulator deploy [--port 8001] --mode restart|rolling [--window 30s]

Deploys a running \`planexe-client emulator\` the way Railway does:
  restart  SIGTERM every replica (SIGKILL after --grace), no replica for --window
           (the edge answers 502), then new replicas, health-gated
  rolling  start new replicas, wait until healthy, overlap for --window, then
           drain and stop the old ones
Waits until the deploy is done and prints what it did.

Options:
  --port N           the emulator's port [default: 8001]
  --mode MODE        restart or rolling (required)
  --window DURATION  restart: the 502 window; rolling: the overlap [default: 30s / 0s]
  --grace DURATION   SIGTERM → SIGKILL [default: the emulator's, 10s]
  -h, --help         show this help
`;

const OPTIONS = {
  port: { type: "string" },
  mode: { type: "string" },
  window: { type: "string" },
  grace: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function duration(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return durationFlag(NAME, name, value, 0, { example: "30s or 1500ms", zero: true });
}

/** `planexe-client emulator deploy`: runs a deploy through the emulator's control endpoint. */
export async function runDeployCommand(args: string[], env: CliEnv): Promise<number> {
  const { values, positionals } = parse(NAME, args, OPTIONS);
  if (values.help) {
    env.output.out(HELP);
    return ExitCode.OK;
  }
  if (positionals.length > 0) throw usageError(NAME, "takes no arguments");
  const mode = values.mode;
  if (mode !== "restart" && mode !== "rolling")
    throw usageError(NAME, "--mode must be restart or rolling");
  const port = intOption(NAME, "port", values.port, 8001, 1, 65_535);
  const windowMs = duration("window", values.window);
  const graceMs = duration("grace", values.grace);
  env.output.err(`deploying (${mode}) the emulator on port ${port}…\n`);
  try {
    const report = await deployRunningEmulator({
      port,
      mode,
      ...(windowMs !== undefined && { windowMs }),
      ...(graceMs !== undefined && { graceMs }),
      signal: env.signal,
    });
    const down = mode === "restart" ? `, unavailable ${formatDuration(report.unavailableMs)}` : "";
    const killed = report.stopped.filter((s) => s.killed).length;
    env.output.out(
      `${mode} deploy done in ${formatDuration(report.durationMs)}${down}: ` +
        `${report.stopped.length} replica(s) stopped${killed ? ` (${killed} killed)` : ""}, ` +
        `${report.started.length} started\n`,
    );
    return ExitCode.OK;
  } catch (error) {
    if (env.signal.aborted) return ExitCode.INTERRUPTED;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(
      `${NAME}: ${reason} (is \`planexe-client emulator\` running on port ${port}?)`,
    );
  }
}
