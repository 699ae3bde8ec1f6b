// The root entry, browser-safe (no `node:` imports): PlanExeClient, watchPlan,
// createResilientFetch, the errors and the types users name. Re-exports only.
export { PlanExeClient } from "./client.js";
export {
  AuthError,
  ErrorCode,
  InsufficientCreditsError,
  InvalidArgumentError,
  isPlanExeError,
  PlanExeError,
  type PlanExeErrorContext,
  PlanNotFoundError,
  ProtocolError,
  type ProtocolErrorCode,
  ToolError,
  TransportError,
  type TransportErrorCode,
} from "./errors/index.js";
export {
  type CompleteEventData,
  type ErrorEventData,
  type HeartbeatEventData,
  isTerminalState,
  type PlanSnapshot,
  type PlanState,
  type StatusEventData,
} from "./protocol/index.js";
export {
  CLIENT_WATCH_DEFAULTS,
  type ClientWatchOptions,
  type PlanClientWatchEvent,
  type PlanCompleteEvent,
  type PlanConnectedEvent,
  type PlanHeartbeatEvent,
  type PlanReconnectingEvent,
  type PlanResumedEvent,
  type PlanStatusEvent,
  type PlanWatch,
  type PlanWatchEnd,
  type PlanWatchEvent,
  type PlanWatchWarning,
  type ReconnectCause,
  type ReconnectCode,
  WATCH_PLAN_DEFAULTS,
  type WaitForPlanOptions,
  type WatchPlanOptions,
  watchPlan,
} from "./sse/index.js";
export * from "./tools/index.js";
export { type Clock, systemClock } from "./transport/clock.js";
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
export { DEFAULT_RETRY, type RetryOptions } from "./transport/policy.js";
export { VERSION } from "./version.js";
