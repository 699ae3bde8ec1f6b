export type { FetchLike } from "./call-signals.js";
export type { DownloadedArtifact, SavedArtifact } from "./download.js";
export type { DownloadAttempt, DownloadStart, DownloadTarget } from "./download-target.js";
export type { CallOptions, Logger, PlanExeClientOptions } from "./options.js";
export type { ConfirmedRerun, ResumePlanResult, RetryPlanResult } from "./rerun.js";
export { planexeResendable } from "./resendable.js";
export * from "./schemas/index.js";
