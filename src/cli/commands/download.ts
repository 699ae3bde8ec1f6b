import { CONNECTION_OPTIONS, resolveConnection } from "../args/connection.js";
import { parse } from "../args/parse.js";
import { requirePlanIdArg } from "../args/plan-id.js";
import { type Command, withClient } from "../command.js";
import { ExitCode, usageError } from "../exit-codes.js";
import { safeMessage } from "../output.js";
import { saveArtifacts } from "../watch/save.js";
import { planCommandHelp } from "./simple-help.js";

const NAME = "planexe-client download";
const OPTIONS = {
  ...CONNECTION_OPTIONS,
  json: { type: "boolean" },
  dir: { type: "string" },
  artifact: { type: "string" },
  force: { type: "boolean" },
} as const;

export const downloadCommand: Command = {
  name: "download",
  async run(args, env) {
    const { values, positionals } = parse(NAME, args, OPTIONS);
    if (values.help) {
      const extra =
        "  --dir DIR          where to save [default: .]\n  --artifact NAME    report or zip [default: both]\n  --force            replace files already there [default: keep them, exit 3]\n";
      env.output.out(
        planCommandHelp(
          "download <plan-id>",
          "Saves a plan's report.html and run.zip. An artifact PlanExe cannot give (a failed plan's report, bytes still unavailable at the deadline) is named on stderr, the others are saved, and the exit code is 3.",
          extra,
        ),
      );
      return ExitCode.OK;
    }
    const connection = resolveConnection(NAME, values, env.env);
    const planId = requirePlanIdArg(NAME, positionals);
    const artifact = values.artifact;
    if (artifact !== undefined && artifact !== "report" && artifact !== "zip")
      throw usageError(NAME, "--artifact must be report or zip");
    return withClient(NAME, connection, env, async (client) => {
      const { saved, missing } = await saveArtifacts(
        client,
        planId,
        values.dir ?? ".",
        env.signal,
        artifact ? [artifact] : ["report", "zip"],
        values.force === true,
      );
      for (const file of saved) {
        if (values.json) env.output.out(`${JSON.stringify(file)}\n`);
        else env.output.out(`${file.path}  ${file.bytes} bytes  sha256 ${file.sha256}\n`);
      }
      // What was saved stays; what PlanExe could not give is named, and the exit says so.
      for (const file of missing) {
        if (values.json) env.output.out(`${JSON.stringify({ ...file, saved: false })}\n`);
        env.output.err(
          `${NAME}: ${file.artifact} not saved: ${safeMessage(file.reason, [connection.apiKey])}\n`,
        );
      }
      return missing.length > 0 ? ExitCode.ERROR : ExitCode.OK;
    });
  },
};
