import { z } from "zod";
import { PlanStateSchema, TimestampSchema, UserApiKeySchema } from "./common.js";

/** Input of `plan_list`. */
export const PlanListInputSchema = z.object({
  user_api_key: UserApiKeySchema.optional(),
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
export const PlanSummarySchema = z.looseObject({
  plan_id: z.string(),
  state: PlanStateSchema,
  progress_percentage: z.number(),
  created_at: TimestampSchema,
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
