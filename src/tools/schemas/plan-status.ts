import { z } from "zod";
import { PlanIdSchema, PlanStateSchema, TimestampSchema } from "./common.js";

/** Input of `plan_status`. */
export const PlanStatusInputSchema = z.object({ plan_id: PlanIdSchema });

/** Why a plan failed (`plan_status.error`, only when `state` is `failed`). */
const PlanFailureSchema = z.looseObject({
  /** `generation_error`, `worker_error`, `inactivity_timeout`, `internal_error`, `version_mismatch`, … */
  failure_reason: z.string().optional(),
  failed_step: z.string().optional(),
  message: z.string().optional(),
  /** True when `plan_resume` may work. */
  recoverable: z.boolean().optional(),
});

/**
 * Output of `plan_status`. PlanExe sends every key, and `steps_*`, `current_step`,
 * `timing.started_at`, `timing.last_progress_at` and each `error.*` may be `null`:
 * a `null` is left out (so they are optional here). `timing.started_at` is the
 * plan's creation time (reset by `plan_retry`, kept by `plan_resume`), not when
 * processing began. Unknown fields are kept.
 */
export const PlanStatusOutputSchema = z.looseObject({
  plan_id: z.string(),
  state: PlanStateSchema,
  /** 0–100, monotonic within a run, 100 when completed (PlanExe's worker writes it; not clamped here). */
  progress_percentage: z.number(),
  steps_completed: z.number().int().nonnegative().optional(),
  steps_total: z.number().int().nonnegative().optional(),
  current_step: z.string().optional(),
  timing: z.looseObject({
    started_at: TimestampSchema.optional(),
    /** Seconds since `started_at` by the server's clock (a database clock ahead of it can make it slightly negative). */
    elapsed_sec: z.number(),
    last_progress_at: TimestampSchema.optional(),
  }),
  files_count: z.number().int().nonnegative(),
  /** The newest 10 files. */
  files: z.array(
    // `updated_at` comes from the zip or from worker_plan's file list: left optional, the client reads only `path`.
    z.looseObject({ path: z.string(), updated_at: TimestampSchema.optional() }),
  ),
  /** Only while the plan is not terminal. */
  sse_url: z.string().optional(),
  /** Only when `state` is `failed`. */
  error: PlanFailureSchema.optional(),
});
export type PlanStatusOutput = z.infer<typeof PlanStatusOutputSchema>;
