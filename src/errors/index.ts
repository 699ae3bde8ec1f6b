export { AuthError } from "./auth-error.js";
export { ErrorCode } from "./codes.js";
export { isPlanExeError, PlanExeError, type PlanExeErrorContext } from "./planexe-error.js";
export { ProtocolError, type ProtocolErrorCode } from "./protocol-error.js";
export { redactHeaders, redactText, redactUrl } from "./redact.js";
export {
  InsufficientCreditsError,
  InvalidArgumentError,
  PlanNotFoundError,
  ToolError,
} from "./tool-error.js";
export { TransportError, type TransportErrorCode } from "./transport-error.js";
