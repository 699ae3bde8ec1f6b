import {
  DOUBLE_API_KEY,
  type Emulator,
  type EmulatorOptions,
  startEmulator,
} from "../../emulator/index.js";
import { durationFlag } from "../args/duration.js";
import { intOption } from "../args/numbers.js";
import { type Parsed, parse } from "../args/parse.js";
import type { Command } from "../command.js";
import { CliError, ExitCode, usageError } from "../exit-codes.js";
import type { CliEnv, Output } from "../output.js";
import { runDeployCommand } from "./emulator-deploy.js";

const NAME = "planexe-client emulator";
const HELP = `Usage: planexe-client emulator [--port 8001] [--replicas 2] [--plan-seconds 60] [--api-key K] [--no-auth] [--cors-origin O] [--no-rate-limit] [--proposal]
       planexe-client emulator deploy [--port 8001] --mode restart|rolling [--window 30s]

Starts a local PlanExe, as deployed: an edge on --port (like Railway's proxy: 502
while no replica is healthy) in front of replica processes and a worker, sharing
one state file. Auth is on (the key ${DOUBLE_API_KEY} works unless
--api-key names others), PlanExe's 60 requests / 60 s limit applies, and the
progress stream is today's. Stays up until Ctrl-C. \`emulator deploy\` deploys it
from another shell.

Options:
  --port N           the edge's port [default: 8001]
  --replicas N       replica processes [default: 2]
  --plan-seconds N   how long a plan runs [default: 60]
  --api-key KEY      the API key to accept instead of the default (repeatable)
  --no-auth          PlanExe with auth off: no key needed (a key sent must still be known)
  --cors-origin O    an origin whose pages may call it, e.g. http://localhost:5173, or *
                     (repeatable; PlanExe's PLANEXE_MCP_CORS_ORIGINS) [default: with
                     auth on https://mcp.planexe.org and https://home.planexe.org, else *]
  --no-rate-limit    turn PlanExe's 60 requests / 60 s limit off
  --proposal         serve this project's proposal for the progress stream: event
                     ids and Last-Event-ID resume, a real 429 over the connection
                     limit, a short retry: on SIGTERM
  --state-dir DIR    keep the state file in DIR (plans survive emulator runs)
  -h, --help         show this help
`;

const OPTIONS = {
  port: { type: "string" },
  replicas: { type: "string" },
  "plan-seconds": { type: "string" },
  "api-key": { type: "string", multiple: true },
  "no-auth": { type: "boolean" },
  "cors-origin": { type: "string", multiple: true },
  "no-rate-limit": { type: "boolean" },
  proposal: { type: "boolean" },
  "state-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The emulator's options from the flags, with every default the banner names filled in. */
type StartOptions = EmulatorOptions & {
  replicas: number;
  planSeconds: number;
  auth: boolean;
  rateLimit: boolean;
  proposal: boolean;
};

async function runEmulator(args: string[], env: CliEnv): Promise<number> {
  const { values, positionals } = parse(NAME, args, OPTIONS);
  if (values.help) {
    env.output.out(HELP);
    return ExitCode.OK;
  }
  if (positionals.length > 0) throw usageError(NAME, `unknown subcommand "${positionals[0]}"`);
  const options = startOptionsOf(values);
  const emulator = await start(options);
  printBanner(env.output, emulator, options);
  await untilAborted(env.signal);
  env.output.err("stopping the emulator…\n");
  await emulator.stop({ graceMs: 2000 });
  return ExitCode.OK;
}

function startOptionsOf(values: Parsed<typeof OPTIONS>["values"]): StartOptions {
  const port = intOption(NAME, "port", values.port, 8001, 0, 65_535);
  const replicas = intOption(NAME, "replicas", values.replicas, 2, 1, 16);
  const planText = values["plan-seconds"];
  const planSeconds = durationFlag(NAME, "plan-seconds", planText, 60_000) / 1000;
  const apiKeys = values["api-key"];
  const corsOrigins = values["cors-origin"];
  return {
    port,
    replicas,
    planSeconds,
    ...(apiKeys && apiKeys.length > 0 && { apiKeys }),
    auth: values["no-auth"] !== true,
    ...(corsOrigins && corsOrigins.length > 0 && { corsOrigins }),
    rateLimit: values["no-rate-limit"] !== true,
    proposal: values.proposal === true,
    ...(values["state-dir"] && { stateDir: values["state-dir"] }),
  };
}

async function start(options: StartOptions): Promise<Emulator> {
  try {
    return await startEmulator(options);
  } catch (error) {
    throw new CliError(`${NAME}: could not start: ${(error as Error).message}`, ExitCode.ERROR, {
      cause: error,
    });
  }
}

/** Where it listens, how it behaves, and how to try and deploy it. */
function printBanner(out: Output, emulator: Emulator, options: StartOptions): void {
  const { auth, apiKeys, rateLimit, proposal } = options;
  out.out(`PlanExe emulator listening on ${emulator.url}\n`);
  const keyNote = auth
    ? apiKeys
      ? "API key required (the one(s) you gave)"
      : `API key required: ${DOUBLE_API_KEY}`
    : "auth off";
  out.out(
    `  ${options.replicas} replica(s), plans take ${options.planSeconds}s, ${keyNote}, ${rateLimit ? "rate limited (60 / 60 s)" : "no rate limit"}, ${proposal ? "the proposal's stream (event ids, 429, drain)" : "today's stream"}\n`,
  );
  // The default key is a public test key; a key the user gave is never printed.
  const keyEnv = !auth
    ? ""
    : apiKeys
      ? "PLANEXE_API_KEY=<your key> "
      : `PLANEXE_API_KEY=${DOUBLE_API_KEY} `;
  out.out(`  try:    ${keyEnv}watch-plan --url ${emulator.url} <plan-id>\n`);
  out.out(
    `  deploy: planexe-client emulator deploy --port ${emulator.port} --mode restart --window 30s\n`,
  );
  out.out("Ctrl-C to stop.\n");
}

/** Ctrl-C (the CLI's signal). */
function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

export const emulatorCommand: Command = {
  name: "emulator",
  run: (args, env) =>
    args[0] === "deploy" ? runDeployCommand(args.slice(1), env) : runEmulator(args, env),
};
