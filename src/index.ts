// The root entry, browser-safe (no `node:` imports). An explicit list, and a short one:
// what the docs use, and the types a user needs to write a documented call (its options
// and its answer). PlanExe's zod schemas, the tool registry and test helpers stay inside.

// The typed client: one method per PlanExe tool, over one retry policy.
export { PlanExeClient } from "./client.js";
// Errors: one class per kind a caller handles differently, each with a `code` and a `cause`.
export {
  AuthError,
  ErrorCode,
  InsufficientCreditsError,
  InvalidArgumentError,
  isPlanExeError,
  PlanExeError,
  PlanNotFoundError,
  ProtocolError,
  ToolError,
  TransportError,
} from "./errors/index.js";
export type { PlanSnapshot, PlanState } from "./protocol/index.js";
// Following a plan: `watchPlan` (one stream URL) and `client.watch` (by plan id).
export type {
  ClientWatchOptions,
  PlanClientWatchEvent,
  PlanCompleteEvent,
  PlanConnectedEvent,
  PlanHeartbeatEvent,
  PlanReconnectingEvent,
  PlanResumedEvent,
  PlanStatusEvent,
  PlanWatch,
  PlanWatchEnd,
  PlanWatchEvent,
  PlanWatchWarning,
  ReconnectCause,
  ReconnectCode,
  WaitForPlanOptions,
  WatchPlanOptions,
} from "./sse/index.js";
export { watchPlan } from "./sse/index.js";
// Time: the clock every wait is scheduled on (inject one to test).
export { type Clock, systemClock } from "./time/clock.js";
// The options and answers of the client's methods.
export type { DownloadedArtifact, SavedArtifact } from "./tools/download.js";
export type { DownloadTarget } from "./tools/download-target.js";
export type {
  CreatePlanOptions,
  DownloadOptions,
  FileOptions,
  ListPlansOptions,
  RerunPlanOptions,
  SendFeedbackOptions,
} from "./tools/method-options.js";
export type { CallOptions, PlanExeClientOptions } from "./tools/options.js";
export type { ConfirmedRerun, ResumePlanResult, RetryPlanResult } from "./tools/rerun.js";
export { planexeResendable } from "./tools/resendable.js";
export type {
  ExamplePlansOutput,
  ExamplePromptsOutput,
  FeedbackCategory,
  ModelProfilesOutput,
  PlanCreateOutput,
  PlanFileInfoOutput,
  PlanListOutput,
  PlanStatusOutput,
  PlanStopOutput,
  SendFeedbackOutput,
} from "./tools/schemas/index.js";
// The resilient fetch under any MCP SDK Client, and the outage episode calls and streams share.
export {
  createOutageEpisode,
  createResilientFetch,
  type FetchFunction,
  type Logger,
  type OutageEpisode,
  type OutageEpisodeOptions,
  type OutageState,
  type ResendableHook,
  type ResendQuery,
  type ResilientFetch,
  type ResilientFetchOptions,
  type RetryInfo,
} from "./transport/index.js";
export { DEFAULT_RETRY, type RetryOptions } from "./transport/policy/retry-options.js";
export { VERSION } from "./version.js";
