import { randomUUID } from "node:crypto";
import type { PlanSummary } from "../../tools/schemas/plan-list.js";
import { CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from "../args/connection.js";
import { parse } from "../args/parse.js";
import { type Command, createClient } from "../command.js";
import { type CheckResult, checkHealth, checkTools, fail } from "../doctor/checks.js";
import { runContractCheck } from "../doctor/contract/run.js";
import { checkStream } from "../doctor/sse-check.js";
import { checkStuck } from "../doctor/stuck-check.js";
import { ExitCode, usageError } from "../exit-codes.js";

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
    const base = connection.baseUrl;
    const { signal } = env;
    if (values.heartbeat && !values.contract)
      throw usageError(NAME, "--heartbeat goes with --contract");
    if (values.contract) {
      const client = createClient({ ...connection, timeoutMs }, signal);
      try {
        return await runContractCheck({
          base,
          apiKey: connection.apiKey,
          timeoutMs,
          heartbeat: values.heartbeat === true,
          json: values.json === true,
          client,
          output: env.output,
          signal,
        });
      } finally {
        await client.close().catch(() => {});
      }
    }
    const client = connection.apiKey
      ? createClient({ ...connection, timeoutMs }, signal)
      : undefined;
    const guard = async (name: string, run: () => Promise<CheckResult>) => {
      try {
        return await run();
      } catch (error) {
        if (signal.aborted) throw error;
        return fail(name, error instanceof Error ? error.message : String(error));
      }
    };
    try {
      const results: CheckResult[] = [];
      const report = (result: CheckResult) => {
        results.push(result);
        if (values.json) env.output.out(`${JSON.stringify(result)}\n`);
        else {
          env.output.out(`${MARK[result.status]} ${result.name.padEnd(17)} ${result.detail}\n`);
          for (const line of result.lines ?? []) env.output.out(`         ${line}\n`);
        }
      };
      report(await guard("healthcheck", () => checkHealth(base, timeoutMs, signal)));
      report(await guard("tool list", () => checkTools(base, timeoutMs, signal)));
      let plans: PlanSummary[] | Error | undefined;
      if (client) {
        plans = await client
          .listPlans({ limit: 50, signal })
          .then((list) => list.plans)
          .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      }
      const newest = Array.isArray(plans) ? plans[0]?.plan_id : undefined;
      report(
        await guard("progress stream", () =>
          checkStream(base, newest ?? randomUUID(), newest === undefined, timeoutMs, signal),
        ),
      );
      report(await guard("plans processing", () => checkStuck(client, plans, base, signal)));
      const failed = results.filter((result) => result.status === "fail").length;
      if (!values.json)
        env.output.out(failed ? `${failed} check(s) failed\n` : "all checks passed\n");
      return failed ? ExitCode.FAILED : ExitCode.OK;
    } finally {
      await client?.close().catch(() => {});
    }
  },
};
