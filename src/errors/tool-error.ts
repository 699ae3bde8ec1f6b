import { ErrorCode } from "./codes.js";
import { PlanExeError, type PlanExeErrorContext } from "./planexe-error.js";

/** A tool call the server answered with `isError: true`; `code` is the server's own. */
export class ToolError extends PlanExeError {
  override name: string = "ToolError";
}

/** The plan id is unknown to the server (tool error, or the stream's `event: error`). */
export class PlanNotFoundError extends ToolError {
  override name = "PlanNotFoundError" as const;
  constructor(message: string, context: PlanExeErrorContext = {}) {
    super(ErrorCode.PLAN_NOT_FOUND, message, context);
  }
}

/** The account has no credits left for a new plan. */
export class InsufficientCreditsError extends ToolError {
  override name = "InsufficientCreditsError" as const;
  constructor(message: string, context: PlanExeErrorContext = {}) {
    super(ErrorCode.INSUFFICIENT_CREDITS, message, context);
  }
}

/** The arguments were rejected (`INVALID_ARGUMENT(S)`, `INVALID_TOOL`, `INVALID_FEEDBACK`). */
export class InvalidArgumentError extends ToolError {
  override name = "InvalidArgumentError" as const;
}
