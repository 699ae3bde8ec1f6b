import { z } from "zod";
import { PlanIdSchema, TimestampSchema, UserApiKeySchema } from "./common.js";

/** What the feedback is about. */
export const FeedbackCategorySchema = z.enum(["mcp", "plan", "code", "docs", "other"]);
export type FeedbackCategory = z.infer<typeof FeedbackCategorySchema>;

/** Input of `send_feedback`. */
export const SendFeedbackInputSchema = z.object({
  category: FeedbackCategorySchema,
  message: z
    .string({ error: "message must be a string" })
    .min(1, "feedback message must not be empty"),
  plan_id: PlanIdSchema.optional(),
  /** 1 (bad) to 5 (great). */
  rating: z
    .number()
    .int("rating must be a whole number")
    .min(1, "rating must be 1-5")
    .max(5, "rating must be 1-5")
    .optional(),
  user_api_key: UserApiKeySchema.optional(),
});
export type SendFeedbackInput = z.input<typeof SendFeedbackInputSchema>;

/** Output of `send_feedback`. */
export const SendFeedbackOutputSchema = z.looseObject({
  feedback_id: z.string(),
  received_at: TimestampSchema,
  message: z.string(),
});
export type SendFeedbackOutput = z.infer<typeof SendFeedbackOutputSchema>;
