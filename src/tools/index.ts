// PlanExe's tools as the client sees them: zod schemas, the TOOLS registry, typed results,
// tool errors mapped to typed errors, which tools may be resent, downloads and reruns.
export type { DownloadedArtifact, SavedArtifact } from "./download.js";
export type { DownloadAttempt, DownloadStart, DownloadTarget } from "./download-target.js";
export type {
  CreatePlanOptions,
  DownloadOptions,
  FileOptions,
  ListPlansOptions,
  RerunPlanOptions,
  SendFeedbackOptions,
} from "./method-options.js";
export type { CallOptions, PlanExeClientOptions } from "./options.js";
export type { ConfirmedRerun, ResumePlanResult, RetryPlanResult } from "./rerun.js";
export { planexeResendable } from "./resendable.js";
export * from "./schemas/index.js";
