import { PlanExeClient } from "../../client.js";
import { redactUrl } from "../../errors/redact.js";
import { startLocalMcpServer } from "../../mcp/server.js";
import { serveStdio } from "../../mcp/stdio.js";
import { systemClock } from "../../time/clock.js";
import { CONNECTION_HELP, CONNECTION_OPTIONS, resolveConnection } from "../args/connection.js";
import { durationFlag } from "../args/duration.js";
import { parse } from "../args/parse.js";
import type { Command } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { proxyFetch } from "../proxy.js";

const NAME = "planexe-client mcp";
const OPTIONS = {
  ...CONNECTION_OPTIONS,
  "call-budget": { type: "string" },
  "follow-cross-origin-stream": { type: "boolean" },
} as const;
/**
 * Under the MCP SDK's default 60 s request timeout (many hosts and scripts keep it),
 * so a structured result arrives before the host gives up; far under Claude
 * Desktop's ~4 min and Cursor's 5 min.
 */
const DEFAULT_BUDGET_MS = 55_000;
/** How often a call waiting out an outage sends a progress notification. */
const PROGRESS_INTERVAL_MS = 5_000;
/**
 * How long the server waits at start for PlanExe's own tools and instructions
 * (an answer from a reachable PlanExe takes a few round trips) before it answers
 * `initialize` with the built-in ones: a host never waits longer than this.
 */
const START_WAIT_MS = 1_000;

const HELP = `Usage: planexe-client mcp [options]

A local MCP server over stdio for Claude Desktop, Claude Code, Cursor and VS Code.
It shows the host PlanExe's own tools and instructions (asked at start, waiting at
most 1 s; while PlanExe is down or slow it serves the tools this package knows and
swaps in PlanExe's list when PlanExe answers), answers every call through the
SDK's retry policy, and adds plan_wait. stdout carries
only JSON-RPC; diagnostics go to stderr. Put the key in the host config's env:

  { "command": "npx", "args": ["-y", "planexe-client", "mcp"],
    "env": { "PLANEXE_API_KEY": "pex_…" } }

Options:
${CONNECTION_HELP}
  --call-budget DURATION  the longest one tool call waits for PlanExe before it
                     returns a PLANEXE_UNAVAILABLE result (30s, 2m) [default: 55s]
  --follow-cross-origin-stream  let plan_wait follow a progress stream URL PlanExe
                     gives on another origin than --url (without the key); off, such
                     a URL is a CROSS_ORIGIN_STREAM error result
  -h, --help         show this help

Proxies: HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured.
`;

export const mcpCommand: Command = {
  name: "mcp",
  async run(args, env) {
    const { values } = parse(NAME, args, OPTIONS);
    if (values.help) {
      env.output.out(HELP);
      return ExitCode.OK;
    }
    const connection = resolveConnection(NAME, values, env.env);
    const callBudgetMs = durationFlag(
      NAME,
      "call-budget",
      values["call-budget"],
      DEFAULT_BUDGET_MS,
      {
        example: "60s, 2m or 1500ms",
      },
    );
    const log = (line: string) => env.output.err(`planexe-client mcp: ${line}\n`);
    // stdout is the protocol: a stray console.log anywhere would corrupt it.
    console.log = console.info = console.debug = console.error;
    const fetch = proxyFetch(env.env);
    const client = new PlanExeClient({
      baseUrl: connection.baseUrl,
      ...(connection.apiKey && { apiKey: connection.apiKey }),
      ...(connection.timeoutMs !== undefined && { retry: { deadlineMs: connection.timeoutMs } }),
      ...(fetch && { fetch }),
      logger: { info: log, warn: log },
      signal: env.signal,
    });
    try {
      const local = await startLocalMcpServer({
        client,
        callBudgetMs,
        progressIntervalMs: PROGRESS_INTERVAL_MS,
        startWaitMs: START_WAIT_MS,
        clock: systemClock,
        secrets: connection.apiKey ? [connection.apiKey] : [],
        followCrossOriginStream: values["follow-cross-origin-stream"] === true,
        log,
      });
      const source = local.catalog.live ? "PlanExe's own" : "the built-in";
      log(
        `serving PlanExe at ${redactUrl(connection.baseUrl)} on stdio with ${source} tool list (call budget ${callBudgetMs / 1000} s)`,
      );
      try {
        await serveStdio(local.server, {
          stdin: process.stdin,
          stdout: process.stdout,
          signal: env.signal,
        });
      } finally {
        await local.close();
      }
    } finally {
      await client.close().catch(() => {});
    }
    return ExitCode.OK;
  },
};
