import { PLAN_STEPS, stepFileName } from "./steps.js";
import type { ModelProfile, PlanFailure, PlanRecord } from "./types.js";

/** The message a plan gets when its worker is killed mid-run (proposal 80, Part 3). */
export const WORKER_RESTART_MESSAGE =
  "Worker restarted during execution. Use plan_retry to re-run.";

/** The state changes of one plan. Each takes a record and returns the next one. */

export function newPlan(fields: {
  planId: string;
  userId: string;
  prompt: string;
  modelProfile: ModelProfile;
  startDate?: string | undefined;
  pipelineVersion: number;
  now: number;
}): PlanRecord {
  return {
    plan_id: fields.planId,
    user_id: fields.userId,
    prompt: fields.prompt,
    model_profile: fields.modelProfile,
    start_date: fields.startDate,
    pipeline_version: fields.pipelineVersion,
    created_at: fields.now,
    queued_at: fields.now,
    state: "pending",
    run: 0,
    resume_count: 0,
    steps_completed: 0,
    stop_requested: false,
    files: [],
  };
}

/** A worker takes a pending plan. */
export function startRun(plan: PlanRecord, workerId: string, now: number): PlanRecord {
  return {
    ...plan,
    state: "processing",
    worker_id: workerId,
    started_at: now,
    last_progress_at: now,
  };
}

/** The running step finished: one more file, more progress, maybe the end. */
export function finishStep(plan: PlanRecord, now: number): PlanRecord {
  const index = plan.steps_completed;
  const steps_completed = Math.min(PLAN_STEPS.length, index + 1);
  const done = steps_completed === PLAN_STEPS.length;
  return {
    ...plan,
    steps_completed,
    last_progress_at: now,
    files: [...plan.files, { path: stepFileName(index), updated_at: now }],
    ...(done ? { state: "completed" as const, finished_at: now, worker_id: undefined } : {}),
  };
}

/** The plan fails at its current step. */
export function failPlan(
  plan: PlanRecord,
  failure: Omit<PlanFailure, "failed_step"> & { failed_step?: string | undefined },
  now: number,
): PlanRecord {
  return {
    ...plan,
    state: "failed",
    finished_at: now,
    worker_id: undefined,
    error: { failed_step: PLAN_STEPS[plan.steps_completed], ...failure },
  };
}

/** `plan_stop` on a pending or processing plan. */
export function stopPlan(plan: PlanRecord, now: number): PlanRecord {
  return {
    ...plan,
    state: "stopped",
    stop_requested: true,
    finished_at: now,
    worker_id: undefined,
  };
}

/**
 * `plan_retry`: same plan id, artifacts and progress cleared, back in the queue. PlanExe
 * also resets the creation time (`timing.started_at`, `created_at` in `plan_list`).
 */
export function retryPlan(
  plan: PlanRecord,
  modelProfile: ModelProfile,
  now: number,
  pipelineVersion: number,
): PlanRecord {
  return {
    ...plan,
    model_profile: modelProfile,
    pipeline_version: pipelineVersion,
    state: "pending",
    run: plan.run + 1,
    created_at: now,
    queued_at: now,
    steps_completed: 0,
    files: [],
    stop_requested: false,
    started_at: undefined,
    last_progress_at: undefined,
    finished_at: undefined,
    error: undefined,
  };
}

/** `plan_resume`: back in the queue, keeping the finished steps and their files. */
export function resumePlan(plan: PlanRecord, modelProfile: ModelProfile, now: number): PlanRecord {
  return {
    ...plan,
    model_profile: modelProfile,
    state: "pending",
    run: plan.run + 1,
    resume_count: plan.resume_count + 1,
    queued_at: now,
    stop_requested: false,
    finished_at: undefined,
    error: undefined,
  };
}
