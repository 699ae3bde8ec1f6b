import { mayCarryCredentials } from "../../transport/http/origin.js";
import { CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from "../args/connection.js";
import { parse } from "../args/parse.js";
import { parsePlanRef } from "../args/plan-ref.js";
import type { Command } from "../command.js";
import { ExitCode, usageError } from "../exit-codes.js";
import type { CliEnv } from "../output.js";
import { pickRenderer } from "../render/index.js";

export const WATCH_HELP = `Usage: watch-plan <plan-id | sse-url> [options]
       planexe-client watch <plan-id | sse-url> [options]

Follows a plan until it ends, through server deploys: a progress bar on a terminal,
one line per change otherwise. Prints the report link at the end.

Options:
${CONNECTION_HELP}
  --json             one JSON event per line
  --download DIR     save the report and zip into DIR (sha256-checked)
  --force            with --download: replace files already there [default: keep them]
  -h, --help         show this help

Exit codes: 0 completed, 1 failed, 2 stopped, 3 usage / key / unknown plan /
server unreachable past --timeout, 130 interrupted (Ctrl-C).
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  json: { type: "boolean" },
  download: { type: "string" },
  force: { type: "boolean" },
} as const;

/** `watch-plan <plan-id | sse-url>`: the whole command, for both bins. */
export async function runWatchCommand(
  args: string[],
  env: CliEnv,
  command = "watch-plan",
): Promise<number> {
  const { values, positionals } = parse(command, args, OPTIONS);
  if (values.help) {
    env.output.out(WATCH_HELP);
    return ExitCode.OK;
  }
  const connection = resolveConnection(command, values, env.env);
  if (positionals.length !== 1)
    throw usageError(command, "expected one plan id or progress stream URL");
  const ref = parsePlanRef(positionals[0] ?? "", connection.baseUrl);
  if (!ref)
    throw usageError(
      command,
      "that is neither a plan id (a UUID like 3f2a…-…) nor an http(s) progress stream URL",
    );
  // Loaded only now, so a usage error answers at once.
  const [{ createClient }, { runWatchSession }] = await Promise.all([
    import("../command.js"),
    import("../watch/session.js"),
  ]);
  // The key is for the configured server: a stream URL on another origin is watched without it.
  const apiKey = mayCarryCredentials(ref.sseUrl, connection.baseUrl)
    ? connection.apiKey
    : undefined;
  const base = { ...connection, apiKey, baseUrl: ref.baseUrl };
  const client = createClient(base, env.signal);
  const now = () => Date.now();
  try {
    return await runWatchSession({
      command,
      ref,
      client,
      apiKey,
      renderer: pickRenderer(env.output, values.json === true, now),
      signal: env.signal,
      timeoutMs: connection.timeoutMs,
      downloadDir: values.download,
      force: values.force === true,
      tickMs: env.output.isTTY && !values.json ? 1000 : 0,
    });
  } finally {
    await client.close().catch(() => {});
  }
}

export const watchCommand: Command = {
  name: "watch",
  run: (args, env) => runWatchCommand(args, env, "planexe-client watch"),
};
