import { z } from "zod";
import { ModelProfileInputSchema, TimestampSchema, UserApiKeySchema } from "./common.js";

/** Input of `plan_create`. */
export const PlanCreateInputSchema = z.object({
  /** What to plan. */
  prompt: z
    .string({ error: "prompt must be a string describing what to plan" })
    .min(1, "prompt must not be empty"),
  /** @default "baseline" */
  model_profile: ModelProfileInputSchema,
  user_api_key: UserApiKeySchema.optional(),
  /** When the plan starts, ISO 8601 with an offset (`2026-03-01T09:00:00+01:00`). */
  start_date: z.iso
    .datetime({ offset: true, error: "start_date must be ISO 8601 with an offset" })
    .optional(),
});
export type PlanCreateInput = z.input<typeof PlanCreateInputSchema>;

/** Output of `plan_create`. Unknown fields are kept. */
export const PlanCreateOutputSchema = z.looseObject({
  plan_id: z.string(),
  created_at: TimestampSchema,
  /**
   * True when an identical prompt + profile by the same user in the last 600 s, still
   * pending or processing, was returned instead of a new plan. This is what makes
   * resending `plan_create` after a lost response safe.
   */
  deduplicated: z.boolean().optional(),
  /** The plan's progress stream (`GET {base}/sse/plan/{plan_id}`). */
  sse_url: z.string().optional(),
});
export type PlanCreateOutput = z.infer<typeof PlanCreateOutputSchema>;
