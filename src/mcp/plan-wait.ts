import type { CallToolResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { PlanExeClient } from "../client.js";
import type { PlanClientWatchEvent } from "../sse/events.js";
import { abortReason, type Clock } from "../time/clock.js";
import { PlanIdSchema } from "../tools/schemas/common.js";
import type { ProgressUpdate } from "./progress.js";
import { jsonResult } from "./tool-result.js";

/** `plan_wait`'s default window, in seconds: under every host's limit with room to spare. */
const PLAN_WAIT_DEFAULT_S = 50;
/** The longest window: Claude Code moves a call longer than 120 s to the background. */
const PLAN_WAIT_MAX_S = 110;
/** At most one `plan_status` per this many ms to word a snapshot's step (PlanExe allows 60 calls a minute). */
const STEP_LOOKUP_EVERY_MS = 5_000;

export const PlanWaitInputSchema = z.object({
  plan_id: PlanIdSchema.describe("The plan to follow (from plan_create or plan_list)."),
  timeout_s: z
    .number()
    .positive()
    .optional()
    .describe(
      `How long to follow the plan before returning, in seconds (default ${PLAN_WAIT_DEFAULT_S}, at most ${PLAN_WAIT_MAX_S}).`,
    ),
});

export const PLAN_WAIT_DESCRIPTION = `Follow a plan's progress until it ends or timeout_s passes (default ${PLAN_WAIT_DEFAULT_S} s), reporting each new step as a progress notification. Returns the latest snapshot with done: true when the plan ended (completed, failed or stopped), else done: false: then call plan_wait again with the same plan_id. Prefer this over polling plan_status: it uses PlanExe's progress stream and survives deploys.`;

/** What `plan_wait` needs from the server. */
export interface PlanWaitDeps {
  client: PlanExeClient;
  clock: Clock;
  /** Never echoed in a result. */
  secrets: readonly string[];
  /** Follow a `sse_url` on another origin than the client's (off: a `CROSS_ORIGIN_STREAM` error result). */
  followCrossOriginStream?: boolean | undefined;
}

/** One snapshot as `plan_wait` returns it. */
interface Snapshot {
  plan_id: string;
  state: string;
  progress_percentage: number;
  elapsed_sec?: number;
  error?: unknown;
}

/**
 * Follows the plan's stream (`client.watch`, sharing the client's outage episode)
 * for up to the window, sending a progress notification per new snapshot, and
 * returns the latest one with `done`. The host's cancel ends the stream at once.
 */
export async function planWait(
  deps: PlanWaitDeps,
  args: z.output<typeof PlanWaitInputSchema>,
  hostSignal: AbortSignal,
  notify: ((update: ProgressUpdate) => Promise<void>) | undefined,
): Promise<CallToolResult> {
  const { client, clock } = deps;
  const windowMs = Math.min(args.timeout_s ?? PLAN_WAIT_DEFAULT_S, PLAN_WAIT_MAX_S) * 1000;
  const controller = new AbortController();
  const windowEnded = new Error("plan_wait window ended");
  const onHostAbort = () => controller.abort(abortReason(hostSignal));
  if (hostSignal.aborted) onHostAbort();
  else hostSignal.addEventListener("abort", onHostAbort, { once: true });
  const cancelWindow = clock.setTimer(() => controller.abort(windowEnded), windowMs);
  const steps = stepWording(client, args.plan_id, clock, controller.signal);
  let latest: Snapshot | undefined;
  let done = false;
  let lastSent = -1;
  try {
    const watch = client.watch(args.plan_id, {
      signal: controller.signal,
      followCrossOriginStream: deps.followCrossOriginStream === true,
    });
    for await (const event of watch) {
      if (event.type !== "status" && event.type !== "complete") continue;
      latest = snapshotOf(event);
      done = event.type === "complete";
      // Progress must grow with each notification; a new run (resume) starts lower.
      if (notify && (latest.progress_percentage > lastSent || done)) {
        lastSent = Math.max(lastSent, latest.progress_percentage);
        // Awaited: a notification sent after the result would name a closed request.
        await notify({ progress: lastSent, total: 100, message: await steps(latest) });
      }
      if (done) break;
    }
  } catch (error) {
    if (controller.signal.reason !== windowEnded) throw error;
  } finally {
    cancelWindow();
    hostSignal.removeEventListener("abort", onHostAbort);
    controller.abort(windowEnded);
  }
  if (latest === undefined)
    return jsonResult(
      {
        done: false,
        plan_id: args.plan_id,
        message: `No progress from PlanExe within ${windowMs / 1000} s (it may be deploying). Call plan_wait again with the same plan_id.`,
      },
      deps.secrets,
    );
  return jsonResult({ done, ...latest, message: doneWording(latest, done) }, deps.secrets);
}

function snapshotOf(event: PlanClientWatchEvent & { type: "status" | "complete" }): Snapshot {
  const { type: _type, ...rest } = event;
  return rest as Snapshot;
}

function doneWording(snapshot: Snapshot, done: boolean): string {
  const pct = `${snapshot.progress_percentage.toFixed(1)}%`;
  if (!done)
    return `The plan is ${snapshot.state} (${pct}). Call plan_wait again with the same plan_id to keep following it.`;
  if (snapshot.state === "completed")
    return "The plan completed. Call plan_file_info to get the report's download URL.";
  if (snapshot.state === "failed")
    return `The plan failed at ${pct}. Call plan_status for the reason; plan_resume continues it if the failure is recoverable.`;
  return `The plan ended ${snapshot.state} at ${pct}.`;
}

/** "7/20 potential_levers" for a snapshot, from `plan_status` (throttled), else "processing 35%". */
function stepWording(
  client: PlanExeClient,
  planId: string,
  clock: Clock,
  signal: AbortSignal,
): (snapshot: Snapshot) => Promise<string> {
  let lastLookup = Number.NEGATIVE_INFINITY;
  return async (snapshot) => {
    const plain = `${snapshot.state} ${snapshot.progress_percentage.toFixed(1)}%`;
    if (snapshot.state !== "processing" || clock.now() - lastLookup < STEP_LOOKUP_EVERY_MS)
      return plain;
    lastLookup = clock.now();
    try {
      const status = await client.getStatus(planId, { signal });
      if (status.steps_completed === undefined || status.steps_total === undefined) return plain;
      return `${status.steps_completed}/${status.steps_total}${status.current_step ? ` ${status.current_step}` : ""}`;
    } catch {
      return plain;
    }
  };
}
