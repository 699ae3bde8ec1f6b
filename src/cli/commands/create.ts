import { CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from "../args/connection.js";
import { readFileHead } from "../args/file-head.js";
import { parse } from "../args/parse.js";
import { parseProfile } from "../args/plan-id.js";
import { parsePlanRef } from "../args/plan-ref.js";
import { type Command, withClient } from "../command.js";
import { CliError, ExitCode, usageError } from "../exit-codes.js";
import type { CliEnv } from "../output.js";
import { pickRenderer } from "../render/index.js";
import { runWatchSession } from "../watch/session.js";

const NAME = "planexe-client create";
/** A plan prompt is a few paragraphs; more is a file or a pipe given by mistake. */
const MAX_PROMPT_BYTES = 1024 * 1024;

const tooLong = (what: string) =>
  usageError(NAME, `${what} longer than ${MAX_PROMPT_BYTES} bytes: a prompt is a few paragraphs`);
const HELP = `Usage: planexe-client create [prompt…] [options]
       planexe-client create --file prompt.txt
       echo "Open a bakery in Lisbon" | planexe-client create

Starts a plan and prints its id. Safe to re-run through a deploy: the server
returns the same plan for an identical prompt within 10 minutes.

Options:
${CONNECTION_HELP}
  --file FILE        read the prompt from FILE
  --profile NAME     baseline (default), premium, frontier or custom
  --watch            then follow it like watch-plan (same exit codes)
  --download DIR     with --watch: save the report and zip into DIR (sha256-checked)
  --force            with --download: replace files already there [default: keep them]
  --json             print the server's answer (and, with --watch, events) as JSON lines
  -h, --help         show this help
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  file: { type: "string" },
  profile: { type: "string" },
  watch: { type: "boolean" },
  download: { type: "string" },
  force: { type: "boolean" },
  json: { type: "boolean" },
} as const;

async function readPrompt(positionals: string[], file: string | undefined, env: CliEnv) {
  if (positionals.length > 0 && file !== undefined)
    throw usageError(NAME, "give the prompt as an argument or with --file, not both");
  let prompt: string | undefined;
  if (positionals.length > 0) prompt = positionals.join(" ");
  else if (file !== undefined) {
    let head: { text: string; more: boolean };
    try {
      head = readFileHead(file, MAX_PROMPT_BYTES);
    } catch (cause) {
      throw new CliError(`${NAME}: cannot read ${file}`, ExitCode.ERROR, { cause });
    }
    if (head.more) throw tooLong(`${file} is`);
    prompt = head.text;
  } else {
    const piped = await env.readStdin(MAX_PROMPT_BYTES);
    if (piped === null) throw tooLong("stdin is");
    prompt = piped;
  }
  if (!prompt?.trim())
    throw usageError(NAME, "no prompt: pass it as an argument, with --file, or on stdin");
  return prompt.trim();
}

export const createCommand: Command = {
  name: "create",
  async run(args, env) {
    const { values, positionals } = parse(NAME, args, OPTIONS);
    if (values.help) {
      env.output.out(HELP);
      return ExitCode.OK;
    }
    const connection = resolveConnection(NAME, values, env.env);
    const profile = parseProfile(NAME, values.profile);
    const prompt = await readPrompt(positionals, values.file, env);
    const json = values.json === true;
    if (values.download !== undefined && !values.watch)
      throw usageError(NAME, "--download needs --watch (or use `planexe-client download`)");
    return withClient(NAME, connection, env, async (client) => {
      const created = await client.createPlan(prompt, {
        ...(profile && { model_profile: profile }),
        signal: env.signal,
      });
      if (json) env.output.out(`${JSON.stringify({ type: "created", ...created })}\n`);
      else env.output.out(`${created.plan_id}\n`);
      if (created.deduplicated && !json)
        env.output.err(
          "(the server returned the identical plan you created in the last 10 minutes)\n",
        );
      if (!values.watch) return ExitCode.OK;
      const ref = parsePlanRef(created.plan_id, connection.baseUrl);
      if (!ref) throw new CliError(`${NAME}: the server returned an invalid plan id`);
      if (created.sse_url) ref.sseUrl = created.sse_url;
      return runWatchSession({
        command: NAME,
        ref,
        client,
        apiKey: connection.apiKey,
        renderer: pickRenderer(env.output, json, () => Date.now()),
        signal: env.signal,
        timeoutMs: connection.timeoutMs,
        downloadDir: values.download,
        force: values.force === true,
        tickMs: env.output.isTTY && !json ? 1000 : 0,
      });
    });
  },
};
