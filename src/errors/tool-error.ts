import { ErrorCode } from "./codes.js";
import { PlanExeError, type PlanExeErrorContext } from "./planexe-error.js";

/**
 * A tool call the server refused: `isError: true` (its `code` is the server's own;
 * a text-only refusal is classified by its text, see `docs/semantics.md`), or an
 * answer that reports a failure inside a result (`plan_file_info`'s
 * `generation_failed` and `content_unavailable`).
 */
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

/** The arguments were rejected (`INVALID_ARGUMENT(S)`, `INVALID_TOOL`, `INVALID_FEEDBACK`, or PlanExe's text-only "validation error" / "Unknown tool"). */
export class InvalidArgumentError extends ToolError {
  override name = "InvalidArgumentError" as const;
}
