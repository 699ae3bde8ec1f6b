import { z } from "zod";
import { PlanStateSchema, TimestampSchema } from "./common.js";

/** Input of `plan_list`: the plans of the client's own key (PlanExe lists by the request's key; with auth off, everyone's). */
export const PlanListInputSchema = z.object({
  /** How many plans, newest first (1–50). @default 10 */
  limit: z
    .number()
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(50, "limit must be at most 50")
    .default(10),
});
export type PlanListInput = z.input<typeof PlanListInputSchema>;

/** One plan in `plan_list`. */
const PlanSummarySchema = z.looseObject({
  plan_id: z.string(),
  state: PlanStateSchema,
  progress_percentage: z.number(),
  /** PlanExe sends `null` for a plan without a creation time (then left out). */
  created_at: TimestampSchema.optional(),
  /** The first 100 characters of the prompt. */
  prompt_excerpt: z.string(),
});
export type PlanSummary = z.infer<typeof PlanSummarySchema>;

/** Output of `plan_list`: newest first. */
export const PlanListOutputSchema = z.looseObject({
  plans: z.array(PlanSummarySchema),
  message: z.string(),
});
export type PlanListOutput = z.infer<typeof PlanListOutputSchema>;
