import { CONNECTION_OPTIONS, resolveConnection } from "../args/connection.js";
import { parse } from "../args/parse.js";
import { type Command, withClient } from "../command.js";
import { ExitCode, usageError } from "../exit-codes.js";
import { planCommandHelp } from "./simple-help.js";

const NAME = "planexe-client list";
const OPTIONS = {
  ...CONNECTION_OPTIONS,
  json: { type: "boolean" },
  limit: { type: "string" },
} as const;

export const listCommand: Command = {
  name: "list",
  async run(args, env) {
    const { values, positionals } = parse(NAME, args, OPTIONS);
    if (values.help) {
      env.output.out(
        planCommandHelp(
          "list [--limit N]",
          "Lists your plans, newest first.",
          "  --limit N          how many, 1–50 [default: 10]\n",
        ),
      );
      return ExitCode.OK;
    }
    if (positionals.length > 0) throw usageError(NAME, "takes no arguments");
    const connection = resolveConnection(NAME, values, env.env);
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 50))
      throw usageError(NAME, "--limit must be a whole number from 1 to 50");
    return withClient(NAME, connection, env, async (client) => {
      const result = await client.listPlans({
        ...(limit !== undefined && { limit }),
        signal: env.signal,
      });
      if (values.json) {
        env.output.out(`${JSON.stringify(result)}\n`);
        return ExitCode.OK;
      }
      if (result.plans.length === 0) env.output.out("no plans\n");
      for (const plan of result.plans) {
        const percent = `${Math.floor(plan.progress_percentage)}%`.padStart(4);
        const excerpt = plan.prompt_excerpt.replace(/\s+/g, " ").slice(0, 60);
        env.output.out(
          `${plan.plan_id}  ${plan.state.padEnd(10)} ${percent}  ${plan.created_at}  ${excerpt}\n`,
        );
      }
      return ExitCode.OK;
    });
  },
};
