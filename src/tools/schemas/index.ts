// One zod schema per tool input and output, from the PlanExe contract; types are inferred from them.
export {
  type EmptyInput,
  EmptyInputSchema,
  type ModelProfile,
  ModelProfileSchema,
  PlanIdSchema,
  type PlanState,
  PlanStateSchema,
  type ToolErrorPayload,
  ToolErrorPayloadSchema,
} from "./common.js";
export {
  type ExamplePlan,
  ExamplePlanSchema,
  type ExamplePlansOutput,
  ExamplePlansOutputSchema,
  type ExamplePromptsOutput,
  ExamplePromptsOutputSchema,
} from "./examples.js";
export {
  type ModelProfileInfo,
  ModelProfileInfoSchema,
  type ModelProfilesOutput,
  ModelProfilesOutputSchema,
  type ProfileModel,
  ProfileModelSchema,
} from "./model-profiles.js";
export {
  type PlanResumeInput,
  PlanResumeInputSchema,
  type PlanResumeOutput,
  PlanResumeOutputSchema,
  type PlanRetryInput,
  PlanRetryInputSchema,
  type PlanRetryOutput,
  PlanRetryOutputSchema,
  type PlanStopInput,
  PlanStopInputSchema,
  type PlanStopOutput,
  PlanStopOutputSchema,
} from "./plan-control.js";
export {
  type PlanCreateInput,
  PlanCreateInputSchema,
  type PlanCreateOutput,
  PlanCreateOutputSchema,
} from "./plan-create.js";
export {
  type Artifact,
  ArtifactSchema,
  type FileFailure,
  FileFailureSchema,
  type FileNotReady,
  FileNotReadySchema,
  type FileReady,
  FileReadySchema,
  type PlanFileInfoAnswer,
  PlanFileInfoAnswerSchema,
  type PlanFileInfoInput,
  PlanFileInfoInputSchema,
  type PlanFileInfoOutput,
  PlanFileInfoOutputSchema,
} from "./plan-file-info.js";
export {
  type PlanListInput,
  PlanListInputSchema,
  type PlanListOutput,
  PlanListOutputSchema,
  type PlanSummary,
  PlanSummarySchema,
} from "./plan-list.js";
export {
  type PlanFailure,
  PlanFailureSchema,
  type PlanStatusInput,
  PlanStatusInputSchema,
  type PlanStatusOutput,
  PlanStatusOutputSchema,
} from "./plan-status.js";
export {
  isToolName,
  RESENDABLE_TOOLS,
  type ResendPolicy,
  TOOLS,
  type ToolInput,
  type ToolName,
  type ToolOutput,
  type ToolParsedInput,
  type ToolSpec,
} from "./registry.js";
export {
  FEEDBACK_CATEGORIES,
  type FeedbackCategory,
  FeedbackCategorySchema,
  type SendFeedbackInput,
  SendFeedbackInputSchema,
  type SendFeedbackOutput,
  SendFeedbackOutputSchema,
} from "./send-feedback.js";
