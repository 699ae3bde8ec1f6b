export { createPlanExeApp, type PlanExeApp, type PlanExeAppOptions } from "./app/app.js";
export { AUTH_ERROR_CODE } from "./app/mcp-route.js";
export { type Artifact, type ArtifactKind, buildArtifact } from "./artifacts.js";
export { type AuthResult, apiKeyFromHeaders, userIdForKey } from "./auth.js";
export { WORKER_RESTART_MESSAGE } from "./plans.js";
export type { RateBucket, RateLimitOptions } from "./rate-limit.js";
export { PLAN_STEPS } from "./steps.js";
export { createMemoryPlanStore, type PlanExeState, type PlanStore } from "./store.js";
export { DOWNLOAD_TTL_MS } from "./tokens.js";
export type {
  Caller,
  FailureReason,
  FeedbackRecord,
  ModelProfile,
  PlanFailure,
  PlanFile,
  PlanRecord,
  ToolErrorBody,
  ToolOutcome,
} from "./types.js";
export type { PlanExeWorker, WorkerShutdownResult } from "./worker.js";
export {
  createPlanExeWorld,
  type DownloadResult,
  type FailAtStep,
  type PlanExeWorld,
  type PlanExeWorldOptions,
} from "./world.js";
