import * as z from "zod";
import { ModelProfileInputSchema, TimestampSchema } from "./common.js";

/**
 * Input of `plan_create`. Checked no stricter than PlanExe checks it: any prompt
 * string, any `start_date` string. There is no `user_api_key`: over HTTP PlanExe
 * fills it from the request's own key, so the account charged is always the client's
 * `apiKey`.
 */
export const PlanCreateInputSchema = z.object({
  /** What to plan (PlanExe takes any string; its guidance is a detailed prompt of ~300-800 words). */
  prompt: z.string({ error: "prompt must be a string describing what to plan" }),
  /** @default "baseline" */
  model_profile: ModelProfileInputSchema,
  /** When the plan starts, documented as ISO 8601 with an offset (`2026-03-01T09:00:00+01:00`); PlanExe does not check it. */
  start_date: z
    .string({ error: "start_date must be a string (ISO 8601 with an offset)" })
    // PlanExe's wrapper declares Optional[str] = None: null is taken as "not given".
    .nullish(),
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
