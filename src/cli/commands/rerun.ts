import { CONNECTION_OPTIONS, resolveConnection } from "../args/connection.js";
import { parse } from "../args/parse.js";
import { parseProfile, requirePlanIdArg } from "../args/plan-id.js";
import { type Command, withClient } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { planCommandHelp } from "./simple-help.js";

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  json: { type: "boolean" },
  profile: { type: "string" },
} as const;

function rerunCommand(kind: "retry" | "resume"): Command {
  const NAME = `planexe-client ${kind}`;
  const description =
    kind === "retry"
      ? "Runs a failed plan again from scratch (same plan id)."
      : "Continues a failed plan, keeping its finished steps.";
  return {
    name: kind,
    async run(args, env) {
      const { values, positionals } = parse(NAME, args, OPTIONS);
      if (values.help) {
        const extra = "  --profile NAME     baseline (default), premium, frontier or custom\n";
        env.output.out(planCommandHelp(`${kind} <plan-id>`, description, extra));
        return ExitCode.OK;
      }
      const connection = resolveConnection(NAME, values, env.env);
      const planId = requirePlanIdArg(NAME, positionals);
      const profile = parseProfile(NAME, values.profile);
      return withClient(NAME, connection, env, async (client) => {
        const options = { ...(profile && { model_profile: profile }), signal: env.signal };
        const result =
          kind === "retry"
            ? await client.retryPlan(planId, options)
            : await client.resumePlan(planId, options);
        if (values.json) env.output.out(`${JSON.stringify(result)}\n`);
        else
          env.output.out(`${kind === "retry" ? "retried" : "resumed"} (state: ${result.state})\n`);
        return ExitCode.OK;
      });
    },
  };
}

export const retryCommand = rerunCommand("retry");
export const resumeCommand = rerunCommand("resume");
