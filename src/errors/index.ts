// Every error the SDK throws: PlanExeError and its subclasses, each with a `code`, a `cause`, and
// no secret in anything a user can print.
export { AuthError } from "./auth-error.js";
export { ErrorCode } from "./codes.js";
export { isPlanExeError, PlanExeError } from "./planexe-error.js";
export { ProtocolError } from "./protocol-error.js";
export {
  InsufficientCreditsError,
  InvalidArgumentError,
  PlanNotFoundError,
  ToolError,
} from "./tool-error.js";
export { TransportError } from "./transport-error.js";
