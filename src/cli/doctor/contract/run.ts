import { randomUUID } from "node:crypto";
import { type PlanExeClient, serverSession } from "../../../client.js";
import { WATCH_PLAN_DEFAULTS } from "../../../sse/watch-plan.js";
import { TOOLS } from "../../../tools/schemas/registry.js";
import { ExitCode } from "../../exit-codes.js";
import { explain } from "../../explain.js";
import type { Output } from "../../output.js";
import { compareFreeAnswers, compareHealthcheck } from "./answers.js";
import type { Difference } from "./difference.js";
import { printDifferences } from "./report.js";
import { compareHeartbeat, compareStream } from "./stream.js";
import { compareTools, type LiveTool } from "./tools.js";

/** How long `--heartbeat` listens: past the client's own heartbeat timeout, so "none" means it would reconnect. */
const HEARTBEAT_WAIT_MS = WATCH_PLAN_DEFAULTS.heartbeatTimeoutMs + 5_000;

export interface ContractCheck {
  base: string;
  apiKey: string | undefined;
  /** Per request. */
  timeoutMs: number;
  /** Listen for a heartbeat on an unfinished plan's stream (up to {@link HEARTBEAT_WAIT_MS}). */
  heartbeat: boolean;
  json: boolean;
  /** A client on `base` (the free tools are answered through it, parsed by its schemas). */
  client: PlanExeClient;
  output: Output;
  signal: AbortSignal;
}

/**
 * `planexe-client doctor --contract`: the live server against the contract the
 * client was built for. Exits 1 when a difference breaks the client, 0 when there
 * are none or only informational ones, 3 when the server does not answer.
 */
export async function runContractCheck(check: ContractCheck): Promise<number> {
  const tools = await listLiveTools(check);
  if (tools === undefined) return ExitCode.ERROR;
  const found: Difference[] = compareTools(tools);
  const answers = await compareFreeAnswers(check.client, check.signal);
  found.push(...answers.found);
  const health = await compareHealthcheck(check.base, check.timeoutMs, check.signal);
  found.push(...health.found);
  const stream = await compareStream(check.base, randomUUID(), check.timeoutMs, check.signal);
  found.push(...stream.found);
  const heartbeat = await checkHeartbeat(check, found);
  const breaking = found.filter((d) => d.effect === "breaks").length;
  const summary = {
    server: check.base,
    tools: tools.length,
    contractTools: Object.keys(TOOLS).length,
    freeAnswers: answers.checked,
    authRequired: health.authRequired,
    retryMs: stream.retry,
    heartbeat,
    differences: found.length,
    breaking,
  };
  if (check.json) printJson(check.output, found, summary);
  else printText(check.output, found, summary);
  return breaking ? ExitCode.FAILED : ExitCode.OK;
}

/** What the check found, in numbers (the JSON report's last line). */
interface Summary {
  server: string;
  tools: number;
  contractTools: number;
  freeAnswers: number;
  authRequired: boolean | undefined;
  retryMs: number | undefined;
  heartbeat: string;
  differences: number;
  breaking: number;
}

/** The server's tool list, or `undefined` after saying why there is none. */
async function listLiveTools(check: ContractCheck): Promise<LiveTool[] | undefined> {
  const { base, signal } = check;
  try {
    // initialize + tools/list as a host would: a key the server refuses shows here.
    return (await serverSession(check.client).listTools(signal)).tools;
  } catch (error) {
    if (signal.aborted) throw error;
    const reason = explain(error, {
      command: "tools/list",
      baseUrl: base,
      apiKey: check.apiKey,
    }).message;
    check.output.err(`planexe-client doctor --contract: no tool list from ${base}: ${reason}\n`);
    return undefined;
  }
}

/** With `--heartbeat`: listens on an unfinished plan's stream, adds what differs to `found`, and says what it heard. */
async function checkHeartbeat(check: ContractCheck, found: Difference[]): Promise<string> {
  if (!check.heartbeat) return "not checked (--heartbeat)";
  const planId = await unfinishedPlan(check.client, check.signal);
  if (planId === undefined)
    return "not checked: no pending or processing plan of this key (needs an API key)";
  const beat = await compareHeartbeat(check.base, planId, HEARTBEAT_WAIT_MS, check.signal);
  found.push(...beat.found);
  return beat.ended
    ? "not checked: the plan ended first"
    : beat.gapMs === undefined
      ? "none heard"
      : `after ${(beat.gapMs / 1000).toFixed(1)} s of silence`;
}

/** `--json`: one line per difference, then the summary. */
function printJson(output: Output, found: Difference[], summary: Summary): void {
  for (const difference of found) output.out(`${JSON.stringify(difference)}\n`);
  output.out(`${JSON.stringify(summary)}\n`);
}

function printText(output: Output, found: Difference[], summary: Summary): void {
  const { authRequired, breaking } = summary;
  output.out(
    `contract check of ${summary.server}: ${summary.tools} tools listed (${summary.contractTools} in the contract), ` +
      `${summary.freeAnswers} free tools answered, auth ${authRequired === undefined ? "unknown" : authRequired ? "required" : "off"}, ` +
      `stream retry: ${summary.retryMs ?? "none"}, heartbeat ${summary.heartbeat}\n`,
  );
  printDifferences(output, found);
  output.out(
    breaking
      ? `${breaking} of ${found.length} difference(s) break the client\n`
      : `the client works with this server${found.length ? ` (${found.length} informational difference(s))` : ""}\n`,
  );
}

/** The newest pending or processing plan of the key, for the heartbeat check. */
async function unfinishedPlan(
  client: PlanExeClient,
  signal: AbortSignal,
): Promise<string | undefined> {
  try {
    const { plans } = await client.listPlans({ limit: 50, signal });
    return plans.find((plan) => plan.state === "pending" || plan.state === "processing")?.plan_id;
  } catch (error) {
    if (signal.aborted) throw error;
    return undefined;
  }
}
