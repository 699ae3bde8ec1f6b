export type { DownloadedArtifact } from "./download.js";
export type { CallOptions, PlanExeClientOptions } from "./options.js";
export type { ConfirmedRerun, ResumePlanResult, RetryPlanResult } from "./rerun.js";
export { planexeResendable } from "./resendable.js";
export * from "./schemas/index.js";
