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
  const { base, timeoutMs, signal, output } = check;
  let tools: LiveTool[];
  try {
    // initialize + tools/list as a host would: a key the server refuses shows here.
    tools = (await serverSession(check.client).listTools(signal)).tools;
  } catch (error) {
    if (signal.aborted) throw error;
    const reason = explain(error, {
      command: "tools/list",
      baseUrl: base,
      apiKey: check.apiKey,
    }).message;
    output.err(`planexe-client doctor --contract: no tool list from ${base}: ${reason}\n`);
    return ExitCode.ERROR;
  }
  const found: Difference[] = compareTools(tools);
  const answers = await compareFreeAnswers(check.client, signal);
  found.push(...answers.found);
  const health = await compareHealthcheck(base, timeoutMs, signal);
  found.push(...health.found);
  const stream = await compareStream(base, randomUUID(), timeoutMs, signal);
  found.push(...stream.found);
  let heartbeat = "not checked (--heartbeat)";
  if (check.heartbeat) {
    const planId = await unfinishedPlan(check.client, signal);
    if (planId === undefined)
      heartbeat = "not checked: no pending or processing plan of this key (needs an API key)";
    else {
      const beat = await compareHeartbeat(base, planId, HEARTBEAT_WAIT_MS, signal);
      found.push(...beat.found);
      heartbeat = beat.ended
        ? "not checked: the plan ended first"
        : beat.gapMs === undefined
          ? "none heard"
          : `after ${(beat.gapMs / 1000).toFixed(1)} s of silence`;
    }
  }
  const breaking = found.filter((d) => d.effect === "breaks").length;
  const summary = {
    server: base,
    tools: tools.length,
    contractTools: Object.keys(TOOLS).length,
    freeAnswers: answers.checked,
    authRequired: health.authRequired,
    retryMs: stream.retry,
    heartbeat,
    differences: found.length,
    breaking,
  };
  if (check.json) {
    for (const difference of found) output.out(`${JSON.stringify(difference)}\n`);
    output.out(`${JSON.stringify(summary)}\n`);
  } else {
    output.out(
      `contract check of ${base}: ${tools.length} tools listed (${summary.contractTools} in the contract), ` +
        `${answers.checked} free tools answered, auth ${health.authRequired === undefined ? "unknown" : health.authRequired ? "required" : "off"}, ` +
        `stream retry: ${stream.retry ?? "none"}, heartbeat ${heartbeat}\n`,
    );
    printDifferences(output, found);
    output.out(
      breaking
        ? `${breaking} of ${found.length} difference(s) break the client\n`
        : `the client works with this server${found.length ? ` (${found.length} informational difference(s))` : ""}\n`,
    );
  }
  return breaking ? ExitCode.FAILED : ExitCode.OK;
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
