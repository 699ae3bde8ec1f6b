import { z } from "zod";
import { PlanIdSchema, TimestampSchema } from "./common.js";

/** The categories PlanExe documents for feedback. */
export const FEEDBACK_CATEGORIES = ["mcp", "plan", "code", "docs", "other"] as const;
/** The documented categories; PlanExe stores any other string too. */
const FeedbackCategorySchema = z.enum(FEEDBACK_CATEGORIES);
/** What the feedback is about: one of the documented categories, or any string (PlanExe accepts it). */
export type FeedbackCategory = z.infer<typeof FeedbackCategorySchema> | (string & {});

/**
 * Input of `send_feedback`, checked no stricter than PlanExe: any category string
 * (`sendFeedback` logs a warning for one PlanExe does not document), any message, the
 * empty one included.
 */
export const SendFeedbackInputSchema = z.object({
  category: z
    .string({ error: "category must be a string (mcp, plan, code, docs or other)" })
    .describe("Feedback category: mcp, plan, code, docs, or other."),
  message: z.string({ error: "message must be a string" }),
  // PlanExe's wrapper declares these Optional[…] = None: null is taken as "not given".
  plan_id: PlanIdSchema.nullish(),
  /** 1 (bad) to 5 (great). */
  rating: z
    .number()
    .int("rating must be a whole number")
    .min(1, "rating must be 1-5")
    .max(5, "rating must be 1-5")
    .nullish(),
});
export type SendFeedbackInput = z.input<typeof SendFeedbackInputSchema>;

/** Output of `send_feedback`. */
export const SendFeedbackOutputSchema = z.looseObject({
  feedback_id: z.string(),
  received_at: TimestampSchema,
  message: z.string(),
});
export type SendFeedbackOutput = z.infer<typeof SendFeedbackOutputSchema>;
