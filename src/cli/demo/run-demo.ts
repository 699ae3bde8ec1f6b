import { PlanExeClient } from "../../client.js";
import {
  type DeployReport,
  DOUBLE_API_KEY,
  type Emulator,
  startEmulator,
} from "../../emulator/index.js";
import type { PlanWatchEvent } from "../../sse/index.js";
import { type Clock, sleep, systemClock } from "../../time/clock.js";
import { formatDuration } from "../args/duration.js";
import { type PlanRef, parsePlanRef } from "../args/plan-ref.js";
import type { Output } from "../output.js";
import { pickRenderer, type Renderer } from "../render/index.js";
import { runWatchSession } from "../watch/session.js";
import { type CallStats, countCalls } from "./counting-client.js";
import { createWatchStats } from "./stats.js";
import { type DemoSummary, summarize } from "./summary.js";

/** The demo's timeline. Defaults run in about a minute. */
export interface DemoOptions {
  /** How long the plan runs. @default 45 */
  planSeconds: number;
  /** When the rolling deploy starts, after the plan was created. @default 5000 */
  rollingAtMs: number;
  /** When the restart deploy starts, after the plan was created. @default 15000 */
  restartAtMs: number;
  /** The restart's 502 window. @default 20000 */
  restartWindowMs: number;
  /** How often the demo asks `plan_status` on the side (calls that must survive the deploys). @default 2000 */
  pollMs: number;
  json: boolean;
  output: Output;
  signal: AbortSignal;
  clock?: Clock;
}

export const DEMO_DEFAULTS = {
  planSeconds: 45,
  rollingAtMs: 5_000,
  restartAtMs: 15_000,
  restartWindowMs: 20_000,
  pollMs: 2_000,
} as const;

/**
 * Starts the emulator (edge + 2 replicas + worker), creates a plan, watches it
 * with watch-plan's renderer while a rolling deploy and then a restart deploy
 * run mid-plan, and a side poller keeps calling `plan_status`; then sums up.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const clock = options.clock ?? systemClock;
  const { signal } = options;
  const renderer = pickRenderer(options.output, options.json, () => clock.now());
  const emulator = await startDemoEmulator(options.planSeconds);
  const { client, calls } = countCalls(
    new PlanExeClient({ baseUrl: emulator.url, apiKey: DOUBLE_API_KEY, signal }),
  );
  try {
    renderer.note(
      `emulator: edge ${emulator.url}, 2 replicas, 1 worker, PlanExe as deployed (auth, rate limit, today's stream); the plan takes ${options.planSeconds}s`,
    );
    const created = await client.createPlan("Demo: open a small bakery in Lisbon", { signal });
    renderer.note("plan created; watching it (watch-plan's renderer)");
    const demo = { emulator, client, calls, renderer, options, clock };
    return await watchThroughDeploys(demo, created.plan_id);
  } finally {
    await client.close().catch(() => {});
    await emulator.stop({ graceMs: 1_000 });
  }
}

/** What the demo's steps share once the emulator runs. */
interface Demo {
  emulator: Emulator;
  client: PlanExeClient;
  calls: CallStats;
  renderer: Renderer;
  options: DemoOptions;
  clock: Clock;
}

function startDemoEmulator(planSeconds: number): Promise<Emulator> {
  // PlanExe as deployed (auth on, its rate limit, today's stream: no event ids, streams
  // cut by a deploy): what a user of the real server meets, not what we propose.
  return startEmulator({
    port: 0,
    replicas: 2,
    planSeconds,
    graceMs: 3_000,
    healthIntervalMs: 250,
    // The stream reads the plan every second, so the bar moves smoothly.
    pollIntervalMs: 1_000,
  });
}

/** Watches the plan while the deploys run and the side poller asks its status; then sums up. */
async function watchThroughDeploys(demo: Demo, planId: string): Promise<DemoSummary> {
  const { emulator, client, calls, renderer, options, clock } = demo;
  const ref = parsePlanRef(planId, emulator.url);
  if (!ref) throw new Error("the emulator returned an invalid plan id");
  const stats = createWatchStats(() => clock.now());
  const watching = new AbortController();
  const stopWatching = AbortSignal.any([options.signal, watching.signal]);
  const deploys: string[] = [];
  const deploying = runDeploys(emulator, options, renderer, deploys, clock.now(), stopWatching);
  const polling = poll(client, planId, options.pollMs, clock, stopWatching);
  const { exitCode, planState } = await watch(demo, ref, stats.onEvent);
  await deploying;
  watching.abort();
  await polling;
  await calls.settled();
  return summarize(stats.stats, calls, exitCode, planState, deploys);
}

/** watch-plan's session on the demo's renderer; also the state the plan ended in. */
async function watch(
  demo: Demo,
  ref: PlanRef,
  onEvent: (event: PlanWatchEvent) => void,
): Promise<{ exitCode: number; planState: string | undefined }> {
  const { client, renderer, options, clock } = demo;
  let planState: string | undefined;
  const exitCode = await runWatchSession({
    command: "demo",
    ref,
    client,
    apiKey: DOUBLE_API_KEY,
    renderer: {
      ...renderer,
      finish(result) {
        planState = result.state;
        renderer.finish(result);
      },
    },
    signal: options.signal,
    tickMs: options.output.isTTY && !options.json ? 1000 : 0,
    onEvent,
    clock,
  });
  return { exitCode, planState };
}

async function runDeploys(
  emulator: Emulator,
  options: DemoOptions,
  renderer: Renderer,
  done: string[],
  t0: number,
  signal: AbortSignal,
): Promise<void> {
  const clock = options.clock ?? systemClock;
  const at = (ms: number) => sleep(Math.max(0, t0 + ms - clock.now()), { clock, signal });
  const deploy = async (mode: "rolling" | "restart", windowMs: number, what: string) => {
    renderer.note(`${mode} deploy: ${what}`);
    try {
      const report: DeployReport = await emulator.deploy({ mode, windowMs });
      const down =
        mode === "restart" ? `, no replica for ${formatDuration(report.unavailableMs)}` : "";
      renderer.note(`${mode} deploy done in ${formatDuration(report.durationMs)}${down}`);
      done.push(`${mode}${down}`);
    } catch (error) {
      done.push(`FAILED ${mode}: ${error instanceof Error ? error.message : String(error)}`);
      renderer.note(`${mode} deploy failed`);
    }
  };
  try {
    await at(options.rollingAtMs);
    await deploy("rolling", 0, "new replicas start, then the old ones drain and stop");
    await at(options.restartAtMs);
    await deploy(
      "restart",
      options.restartWindowMs,
      `every replica stops; the edge answers 502 for ${formatDuration(options.restartWindowMs)}`,
    );
  } catch {
    // Interrupted.
  }
}

/** Asks `plan_status` every `everyMs` until the signal aborts: calls that must all succeed through the deploys. */
async function poll(
  client: PlanExeClient,
  planId: string,
  everyMs: number,
  clock: Clock,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    try {
      await sleep(everyMs, { clock, signal });
    } catch {
      return;
    }
    // Not aborted by the signal: a call in flight when the watch ends must still answer.
    await client.getStatus(planId).catch(() => {});
  }
}
