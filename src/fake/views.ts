import { isTerminalState, type PlanSnapshot } from "../protocol/index.js";
import { PLAN_STEPS, stepProgress } from "./steps.js";
import type { PlanRecord } from "./types.js";

/** PlanExe's timestamp format: ISO 8601 UTC to the second, `2026-01-01T00:00:00Z`. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Python's `datetime.isoformat()` of a UTC time: microseconds when there are any,
 * `+00:00` for the zone, e.g. `2026-01-01T00:15:00.123000+00:00` (PlanExe's `expires_at`).
 */
export function pythonIsoformat(ms: number): string {
  const iso = new Date(ms).toISOString();
  const fraction = ms % 1000 === 0 ? "" : `.${iso.slice(20, 23)}000`;
  return `${iso.slice(0, 19)}${fraction}+00:00`;
}

/** The plan's progress stream URL on `baseUrl`. */
export function sseUrl(baseUrl: string, planId: string): string {
  return `${baseUrl}/sse/plan/${planId}`;
}

function progressOf(plan: PlanRecord): number {
  return plan.state === "completed" ? 100 : stepProgress(plan.steps_completed);
}

/** PlanExe counts from the plan's creation time (reset by plan_retry), to now, whatever the state. */
function elapsedSec(plan: PlanRecord, now: number): number {
  return Math.max(0, (now - plan.created_at) / 1000);
}

function currentStep(plan: PlanRecord): string | undefined {
  if (plan.state === "processing") return PLAN_STEPS[plan.steps_completed];
  if (plan.state === "failed") return plan.error?.failed_step;
  if (plan.state === "completed") return PLAN_STEPS[PLAN_STEPS.length - 1];
  return undefined;
}

/** Files PlanExe lists in `plan_status`: every file but `log.txt`, by file name. */
function listedFiles(plan: PlanRecord): { path: string; updated_at: string }[] {
  return plan.files
    .filter((file) => file.path !== "log.txt")
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((file) => ({ path: file.path, updated_at: isoSeconds(file.updated_at) }));
}

/**
 * `plan_status` output, as PlanExe's `handle_plan_status` builds it: every key always
 * sent (`steps_*`, `current_step`, `last_progress_at` null until the worker reports),
 * `timing.started_at` the creation time, `files` the last 10 by file name, `error`
 * only when failed, `sse_url` only while not terminal.
 */
export function statusView(
  plan: PlanRecord,
  now: number,
  baseUrl: string,
): Record<string, unknown> {
  const files = listedFiles(plan);
  const reported = plan.started_at !== undefined || plan.steps_completed > 0;
  const view: Record<string, unknown> = {
    plan_id: plan.plan_id,
    state: plan.state,
    progress_percentage: progressOf(plan),
    steps_completed: reported
      ? plan.state === "completed"
        ? PLAN_STEPS.length
        : plan.steps_completed
      : null,
    steps_total: reported ? PLAN_STEPS.length : null,
    current_step: currentStep(plan) ?? null,
    timing: {
      started_at: isoSeconds(plan.created_at),
      elapsed_sec: elapsedSec(plan, now),
      last_progress_at:
        plan.last_progress_at === undefined ? null : isoSeconds(plan.last_progress_at),
    },
    files_count: files.length,
    files: files.slice(-10),
  };
  if (plan.state === "failed") {
    view.error = {
      failure_reason: plan.error?.failure_reason ?? null,
      failed_step: plan.error?.failed_step ?? null,
      message: plan.error?.message || "Plan generation failed.",
      recoverable: plan.error?.recoverable ?? null,
    };
  }
  if (!isTerminalState(plan.state)) view.sse_url = sseUrl(baseUrl, plan.plan_id);
  return view;
}

/** What the progress stream sends for this plan now. */
export function snapshotOf(plan: PlanRecord, now: number): PlanSnapshot {
  const snapshot: PlanSnapshot = {
    plan_id: plan.plan_id,
    state: plan.state,
    progress_percentage: progressOf(plan),
    elapsed_sec: elapsedSec(plan, now),
    run: plan.run,
  };
  if (plan.state === "failed") {
    snapshot.error = {
      code: "generation_failed",
      message: plan.error?.message ?? "Plan generation failed.",
    };
  }
  return snapshot;
}

/** One row of `plan_list`. */
export function listItem(plan: PlanRecord): Record<string, unknown> {
  return {
    plan_id: plan.plan_id,
    state: plan.state,
    progress_percentage: progressOf(plan),
    created_at: isoSeconds(plan.created_at),
    prompt_excerpt: plan.prompt.trim().slice(0, 100),
  };
}
