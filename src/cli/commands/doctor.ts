import { randomUUID } from "node:crypto";
import type { PlanExeClient } from "../../client.js";
import type { PlanSummary } from "../../tools/schemas/plan-list.js";
import {
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  type Connection,
  resolveConnection,
} from "../args/connection.js";
import { parse } from "../args/parse.js";
import { type Command, createClient } from "../command.js";
import { type CheckResult, checkHealth, checkTools, fail } from "../doctor/checks.js";
import { runContractCheck } from "../doctor/contract/run.js";
import { checkStream } from "../doctor/sse-check.js";
import { checkStuck } from "../doctor/stuck-check.js";
import { ExitCode, usageError } from "../exit-codes.js";
import type { CliEnv, Output } from "../output.js";

const NAME = "planexe-client doctor";
const HELP = `Usage: planexe-client doctor [--url URL] [--api-key-file PATH]
       planexe-client doctor --contract [--heartbeat] [--url URL] [--api-key-file PATH]

The after-deploy checklist as a command:
  healthcheck       GET /healthcheck answers status ok/healthy
  tool list         GET /mcp/tools serves the tool list
  progress stream   GET /sse/plan/<newest plan, or a fresh id> answers
                    text/event-stream with a retry: line and an event
  plans processing  your plans in \`processing\` are listed (needs an API key;
                    skipped without one)
Exits 1 when any check fails, 3 on bad usage.

With --contract, compares the server with the contract this client was built for
and prints a table of what differs: the tools and their annotations and input
fields (tools/list), one answer of each free tool (parsed by the client's
schemas), /healthcheck, and the stream's retry: hint (an unknown plan's stream).
--heartbeat also listens up to 50 s on the stream of your newest pending or
processing plan for its heartbeat (needs an API key). Exits 1 when a difference
breaks the client, 0 when none does (informational ones are listed), 3 when
the server gives no tool list.

Options:
${CONNECTION_HELP.replace("[default: 3m]", "[default: 10s]")}
  --contract         compare the server with the client's contract (see above)
  --heartbeat        with --contract: wait for a heartbeat (up to 50 s)
  --json             one JSON object per check (per difference with --contract)
  -h, --help         show this help
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  json: { type: "boolean" },
  contract: { type: "boolean" },
  heartbeat: { type: "boolean" },
} as const;
const MARK = { ok: "[ok]  ", fail: "[FAIL]", skip: "[skip]" } as const;

export const doctorCommand: Command = {
  name: "doctor",
  async run(args, env) {
    const { values, positionals } = parse(NAME, args, OPTIONS);
    if (values.help) {
      env.output.out(HELP);
      return ExitCode.OK;
    }
    if (positionals.length > 0) throw usageError(NAME, "takes no arguments (use --url)");
    const connection = resolveConnection(NAME, values, env.env);
    const timeoutMs = connection.timeoutMs ?? 10_000;
    if (values.heartbeat && !values.contract)
      throw usageError(NAME, "--heartbeat goes with --contract");
    const json = values.json === true;
    if (values.contract)
      return contractCheck(
        connection,
        timeoutMs,
        { heartbeat: values.heartbeat === true, json },
        env,
      );
    return checklist(connection, timeoutMs, json, env);
  },
};

/** `--contract`: the server compared with the contract this client was built for. */
async function contractCheck(
  connection: Connection,
  timeoutMs: number,
  { heartbeat, json }: { heartbeat: boolean; json: boolean },
  env: CliEnv,
): Promise<number> {
  const { signal } = env;
  const client = createClient({ ...connection, timeoutMs }, signal);
  try {
    return await runContractCheck({
      base: connection.baseUrl,
      apiKey: connection.apiKey,
      timeoutMs,
      heartbeat,
      json,
      client,
      output: env.output,
      signal,
    });
  } finally {
    await client.close().catch(() => {});
  }
}

/** The after-deploy checklist, each check printed as it ends; 1 when any failed. */
async function checklist(
  connection: Connection,
  timeoutMs: number,
  json: boolean,
  env: CliEnv,
): Promise<number> {
  const { signal } = env;
  const base = connection.baseUrl;
  const client = connection.apiKey ? createClient({ ...connection, timeoutMs }, signal) : undefined;
  const check = (name: string, run: () => Promise<CheckResult>) => guarded(name, signal, run);
  try {
    const results: CheckResult[] = [];
    const report = (result: CheckResult) => {
      results.push(result);
      printCheck(result, json, env.output);
    };
    report(await check("healthcheck", () => checkHealth(base, timeoutMs, signal)));
    report(await check("tool list", () => checkTools(base, timeoutMs, signal)));
    const plans = client ? await listNewest(client, signal) : undefined;
    const newest = Array.isArray(plans) ? plans[0]?.plan_id : undefined;
    report(
      await check("progress stream", () =>
        checkStream(base, newest ?? randomUUID(), newest === undefined, timeoutMs, signal),
      ),
    );
    report(await check("plans processing", () => checkStuck(client, plans, base, signal)));
    const failed = results.filter((result) => result.status === "fail").length;
    if (!json) env.output.out(failed ? `${failed} check(s) failed\n` : "all checks passed\n");
    return failed ? ExitCode.FAILED : ExitCode.OK;
  } finally {
    await client?.close().catch(() => {});
  }
}

/** One check whose throw is its failure (Ctrl-C still ends the command). */
async function guarded(
  name: string,
  signal: AbortSignal,
  run: () => Promise<CheckResult>,
): Promise<CheckResult> {
  try {
    return await run();
  } catch (error) {
    if (signal.aborted) throw error;
    return fail(name, error instanceof Error ? error.message : String(error));
  }
}

/** The newest plans (for the stream check's plan and the processing check), or why they could not be listed. */
function listNewest(client: PlanExeClient, signal: AbortSignal): Promise<PlanSummary[] | Error> {
  return client
    .listPlans({ limit: 50, signal })
    .then((list) => list.plans)
    .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
}

/** One check as a JSON line, or as a marked line with its details under it. */
function printCheck(result: CheckResult, json: boolean, output: Output): void {
  if (json) {
    output.out(`${JSON.stringify(result)}\n`);
    return;
  }
  output.out(`${MARK[result.status]} ${result.name.padEnd(17)} ${result.detail}\n`);
  for (const line of result.lines ?? []) output.out(`         ${line}\n`);
}
