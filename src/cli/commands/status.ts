import { CONNECTION_OPTIONS, resolveConnection } from "../args/connection.js";
import { formatDuration } from "../args/duration.js";
import { parse } from "../args/parse.js";
import { requirePlanIdArg } from "../args/plan-id.js";
import { type Command, withClient } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { planCommandHelp } from "./simple-help.js";

const NAME = "planexe-client status";
const OPTIONS = { ...CONNECTION_OPTIONS, json: { type: "boolean" } } as const;

export const statusCommand: Command = {
  name: "status",
  async run(args, env) {
    const { values, positionals } = parse(NAME, args, OPTIONS);
    if (values.help) {
      env.output.out(planCommandHelp("status <plan-id>", "Shows a plan's state and progress."));
      return ExitCode.OK;
    }
    const connection = resolveConnection(NAME, values, env.env);
    const planId = requirePlanIdArg(NAME, positionals);
    return withClient(NAME, connection, env, async (client) => {
      const s = await client.getStatus(planId, { signal: env.signal });
      if (values.json) {
        env.output.out(`${JSON.stringify(s)}\n`);
        return ExitCode.OK;
      }
      const steps =
        s.steps_completed !== undefined && s.steps_total !== undefined
          ? ` (step ${s.steps_completed}/${s.steps_total}${s.current_step ? ` ${s.current_step}` : ""})`
          : "";
      const rows = [
        ["state", s.state],
        ["progress", `${s.progress_percentage.toFixed(1)}%${steps}`],
        ["elapsed", formatDuration(s.timing.elapsed_sec * 1000)],
        ["files", String(s.files_count)],
      ];
      if (s.error?.message) rows.push(["error", s.error.message]);
      if (s.error?.recoverable) rows.push(["hint", "recoverable: try `planexe-client resume`"]);
      for (const [key, value] of rows) env.output.out(`${(key ?? "").padEnd(9)} ${value}\n`);
      return ExitCode.OK;
    });
  },
};
