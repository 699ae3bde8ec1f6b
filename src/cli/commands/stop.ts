import { CONNECTION_OPTIONS, resolveConnection } from "../args/connection.js";
import { parse } from "../args/parse.js";
import { requirePlanIdArg } from "../args/plan-id.js";
import { type Command, withClient } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { planCommandHelp } from "./simple-help.js";

const NAME = "planexe-client stop";
const OPTIONS = { ...CONNECTION_OPTIONS, json: { type: "boolean" } } as const;

export const stopCommand: Command = {
  name: "stop",
  async run(args, env) {
    const { values, positionals } = parse(NAME, args, OPTIONS);
    if (values.help) {
      env.output.out(planCommandHelp("stop <plan-id>", "Asks a running plan to stop."));
      return ExitCode.OK;
    }
    const connection = resolveConnection(NAME, values, env.env);
    const planId = requirePlanIdArg(NAME, positionals);
    return withClient(NAME, connection, env, async (client) => {
      const result = await client.stopPlan(planId, { signal: env.signal });
      if (values.json) env.output.out(`${JSON.stringify(result)}\n`);
      else if (result.stop_requested) env.output.out(`stop requested (state: ${result.state})\n`);
      else env.output.out(`already ended (state: ${result.state})\n`);
      return ExitCode.OK;
    });
  },
};
