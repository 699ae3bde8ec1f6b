import type { CallOptions } from "./options.js";
import type { PlanResumeInput, PlanRetryInput } from "./schemas/plan-control.js";
import type { PlanCreateInput } from "./schemas/plan-create.js";
import type { PlanFileInfoInput } from "./schemas/plan-file-info.js";
import type { PlanListInput } from "./schemas/plan-list.js";
import type { SendFeedbackInput } from "./schemas/send-feedback.js";

// The options of each PlanExeClient method: the tool's input minus what is positional.

/** Options of `PlanExeClient.createPlan`. */
export type CreatePlanOptions = Omit<PlanCreateInput, "prompt"> & CallOptions;
/** Options of `PlanExeClient.retryPlan` and `PlanExeClient.resumePlan`. */
export type RerunPlanOptions = Omit<PlanRetryInput & PlanResumeInput, "plan_id"> & CallOptions;
/** Options of `PlanExeClient.getFileInfo` and `PlanExeClient.downloadTo`. */
export type FileOptions = Omit<PlanFileInfoInput, "plan_id"> & CallOptions;
/** Options of `PlanExeClient.download`. */
export type DownloadOptions = FileOptions & {
  /** Refuse (`TOO_LARGE`, before any byte is read) an artifact announced larger than this many bytes. @default 268_435_456 (256 MiB) */
  maxBytes?: number | undefined;
};
/** Options of `PlanExeClient.listPlans`. */
export type ListPlansOptions = PlanListInput & CallOptions;
/** Options of `PlanExeClient.sendFeedback`. */
export type SendFeedbackOptions = Omit<SendFeedbackInput, "category" | "message"> & CallOptions;
