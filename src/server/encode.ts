import type { PlanSnapshot } from "../protocol/index.js";
import { type PyJsonValue, pyJsonDumps, pyRound1 } from "./python-json.js";

/**
 * The bytes of the progress stream, block by block, as today's PlanExe writes them
 * (`event: <name>\ndata: <json.dumps(data)>\n\n`), plus an `id:` line on the events
 * that carry a snapshot when this server speaks the resumable protocol.
 */

const encoder = new TextEncoder();

/** `retry: <ms>` on its own, blank-line terminated: the reconnect hint. */
export function encodeRetry(ms: number): Uint8Array {
  return encoder.encode(`retry: ${ms}\n\n`);
}

/** One SSE event block. `id` goes between `event:` and `data:`; omitted when undefined. */
export function encodeEvent(event: string, data: PyJsonValue, id?: string): Uint8Array {
  const idLine = id === undefined ? "" : `id: ${id}\n`;
  return encoder.encode(`event: ${event}\n${idLine}data: ${pyJsonDumps(data)}\n\n`);
}

/** `data` of `status`: PlanExe reports 100 for a completed plan and `elapsed_sec` to 0.1 s. */
export function statusData(snapshot: PlanSnapshot): { [key: string]: PyJsonValue } {
  return {
    plan_id: snapshot.plan_id,
    state: snapshot.state,
    progress_percentage: snapshot.state === "completed" ? 100 : snapshot.progress_percentage,
    elapsed_sec: pyRound1(snapshot.elapsed_sec),
  };
}

/** Today's message when a failed plan has none of its own. */
const DEFAULT_FAILURE_MESSAGE = "Plan generation failed.";

/** `data` of `complete`: the status fields, plus `error` when the plan failed. */
export function completeData(snapshot: PlanSnapshot): { [key: string]: PyJsonValue } {
  const data = statusData(snapshot);
  if (snapshot.state === "failed") {
    data.error = {
      code: snapshot.error?.code ?? "generation_failed",
      message: snapshot.error?.message || DEFAULT_FAILURE_MESSAGE,
    };
  }
  return data;
}

/** `data` of `heartbeat`: the time to the second, UTC, with a `Z` (no fraction). */
export function heartbeatData(nowMs: number): { timestamp: string } {
  return { timestamp: `${new Date(nowMs).toISOString().slice(0, 19)}Z` };
}

/** `data` of `error` PLAN_NOT_FOUND, with today's message. */
export function planNotFoundData(planId: string): { code: string; message: string } {
  return { code: "PLAN_NOT_FOUND", message: `Plan not found: ${planId}` };
}

/** `data` of `error` SSE_TIMEOUT, with today's message (the limit in seconds). */
export function timeoutData(timeoutMs: number): { code: string; message: string } {
  return {
    code: "SSE_TIMEOUT",
    message: `SSE stream timed out after ${timeoutMs / 1000} seconds`,
  };
}
