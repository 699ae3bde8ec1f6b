// One zod schema per tool input and output, from the PlanExe contract; types are inferred from them.
export { ToolErrorPayloadSchema } from "./common.js";
export type {
  ExamplePlansOutput,
  ExamplePromptsOutput,
} from "./examples.js";
export type { ModelProfilesOutput } from "./model-profiles.js";
export type { PlanStopOutput } from "./plan-control.js";
export {
  PlanCreateInputSchema,
  type PlanCreateOutput,
  PlanCreateOutputSchema,
} from "./plan-create.js";
export {
  type PlanFileInfoOutput,
  PlanFileInfoOutputSchema,
} from "./plan-file-info.js";
export {
  PlanListInputSchema,
  type PlanListOutput,
} from "./plan-list.js";
export {
  type PlanStatusOutput,
  PlanStatusOutputSchema,
} from "./plan-status.js";
export {
  RESENDABLE_TOOLS,
  TOOLS,
  type ToolName,
  type ToolOutput,
} from "./registry.js";
export {
  type FeedbackCategory,
  SendFeedbackInputSchema,
  type SendFeedbackOutput,
} from "./send-feedback.js";
