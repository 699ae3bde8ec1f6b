import { z } from "zod";

export { PlanStateSchema } from "../../protocol/events.js";

/** A plan id as the server hands it out (a UUID). Any non-empty string is sent; the server answers `PLAN_NOT_FOUND` for unknown ones. */
export const PlanIdSchema = z
  .string({ error: "plan_id must be a string (the plan's UUID)" })
  .trim()
  .min(1, "plan_id must not be empty");

/** The model profiles PlanExe accepts when creating, retrying or resuming a plan. */
const ModelProfileSchema = z.enum(["baseline", "premium", "frontier", "custom"]);

/** An input that a caller leaves out gets the server's default (`baseline`). */
export const ModelProfileInputSchema = ModelProfileSchema.default("baseline");

/** A timestamp as the server sends it (ISO 8601). Kept as a string: the SDK never reformats server data. */
export const TimestampSchema = z.string();

/**
 * The payload of a tool-level failure: `isError: true` with
 * `structuredContent = { error: { code, message, details? } }`. Unknown fields are kept.
 */
export const ToolErrorPayloadSchema = z.looseObject({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ToolErrorPayload = z.infer<typeof ToolErrorPayloadSchema>;

/** Input of the tools that take nothing (`example_prompts`, `example_plans`, `model_profiles`). */
export const EmptyInputSchema = z.object({});
