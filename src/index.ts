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
export { type Clock, systemClock } from "./transport/clock.js";
export { DEFAULT_RETRY, type RetryOptions } from "./transport/policy.js";
