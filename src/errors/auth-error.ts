import { ErrorCode } from "./codes.js";
import { PlanExeError, type PlanExeErrorContext } from "./planexe-error.js";

/** The API key is missing or invalid (HTTP 401/403, or JSON-RPC −32001 on `/mcp`). Never retried. */
export class AuthError extends PlanExeError {
  override name = "AuthError" as const;
  constructor(message: string, context: PlanExeErrorContext = {}) {
    super(ErrorCode.AUTH_FAILED, message, context);
  }
}
