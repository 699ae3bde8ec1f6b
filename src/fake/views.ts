import { isTerminalState, type PlanSnapshot } from "../protocol/index.js";
import { PLAN_STEPS, stepProgress } from "./steps.js";
import type { PlanRecord } from "./types.js";

/** PlanExe's timestamp format: ISO 8601 UTC to the second, `2026-01-01T00:00:00Z`. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Drops `undefined` fields, so JSON and `toEqual` see the same object. */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The plan's progress stream URL on `baseUrl`. */
export function sseUrl(baseUrl: string, planId: string): string {
  return `${baseUrl}/sse/plan/${planId}`;
}

function progressOf(plan: PlanRecord): number {
  return plan.state === "completed" ? 100 : stepProgress(plan.steps_completed);
}

function elapsedSec(plan: PlanRecord, now: number): number {
  if (plan.state === "pending" || plan.started_at === undefined) return 0;
  const end = plan.finished_at ?? now;
  return Math.max(0, Math.round((end - plan.started_at) / 100) / 10);
}

function currentStep(plan: PlanRecord): string | undefined {
  if (plan.state === "processing") return PLAN_STEPS[plan.steps_completed];
  if (plan.state === "failed") return plan.error?.failed_step;
  if (plan.state === "completed") return PLAN_STEPS[PLAN_STEPS.length - 1];
  return undefined;
}

/** `plan_status` output. */
export function statusView(
  plan: PlanRecord,
  now: number,
  baseUrl: string,
): Record<string, unknown> {
  const files = plan.files
    .slice(-10)
    .reverse()
    .map((file) => ({ path: file.path, updated_at: isoSeconds(file.updated_at) }));
  return compact({
    plan_id: plan.plan_id,
    state: plan.state,
    progress_percentage: progressOf(plan),
    steps_completed: plan.steps_completed,
    steps_total: PLAN_STEPS.length,
    current_step: currentStep(plan),
    timing: compact({
      started_at: plan.started_at === undefined ? undefined : isoSeconds(plan.started_at),
      elapsed_sec: elapsedSec(plan, now),
      last_progress_at:
        plan.last_progress_at === undefined ? undefined : isoSeconds(plan.last_progress_at),
    }),
    files_count: plan.files.length,
    files,
    sse_url: isTerminalState(plan.state) ? undefined : sseUrl(baseUrl, plan.plan_id),
    error: plan.state === "failed" && plan.error ? compact({ ...plan.error }) : undefined,
  });
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
