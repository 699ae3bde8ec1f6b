import { z } from "zod";
import {
  ModelProfileInputSchema,
  PlanIdSchema,
  PlanStateSchema,
  TimestampSchema,
} from "./common.js";

/** Input of `plan_stop`. */
export const PlanStopInputSchema = z.object({ plan_id: PlanIdSchema });

/** Output of `plan_stop`. Idempotent: `stop_requested` is false when the plan was already terminal. */
export const PlanStopOutputSchema = z.looseObject({
  state: PlanStateSchema,
  stop_requested: z.boolean(),
});
export type PlanStopOutput = z.infer<typeof PlanStopOutputSchema>;

/** Input of `plan_retry` (re-run a failed plan from scratch, same plan id). */
export const PlanRetryInputSchema = z.object({
  plan_id: PlanIdSchema,
  /** @default "baseline" */
  model_profile: ModelProfileInputSchema,
});
export type PlanRetryInput = z.input<typeof PlanRetryInputSchema>;

/** Output of `plan_retry`: same plan id, artifacts cleared, requeued. */
export const PlanRetryOutputSchema = z.looseObject({
  plan_id: z.string(),
  state: PlanStateSchema,
  model_profile: z.string(),
  retried_at: TimestampSchema,
  sse_url: z.string().optional(),
});
export type PlanRetryOutput = z.infer<typeof PlanRetryOutputSchema>;

/** Input of `plan_resume` (continue a failed plan, keeping finished steps). */
export const PlanResumeInputSchema = z.object({
  plan_id: PlanIdSchema,
  /** @default "baseline" */
  model_profile: ModelProfileInputSchema,
});
export type PlanResumeInput = z.input<typeof PlanResumeInputSchema>;

/** Output of `plan_resume`. */
export const PlanResumeOutputSchema = z.looseObject({
  plan_id: z.string(),
  state: PlanStateSchema,
  model_profile: z.string(),
  resume_count: z.number().int().nonnegative(),
  resumed_at: TimestampSchema,
  sse_url: z.string().optional(),
});
export type PlanResumeOutput = z.infer<typeof PlanResumeOutputSchema>;
