import type { ErrorCode } from "./codes.js";
import { PlanExeError, type PlanExeErrorContext } from "./planexe-error.js";

/** Codes of failures to reach the server or get a usable HTTP answer from it. */
export type TransportErrorCode = Extract<
  ErrorCode,
  | "NETWORK_ERROR"
  | "HTTP_ERROR"
  | "ATTEMPT_TIMEOUT"
  | "DEADLINE_EXCEEDED"
  | "RATE_LIMITED"
  | "CROSS_ORIGIN_REDIRECT"
  | "RESPONSE_TOO_LARGE"
  | "HOST_NOT_ALLOWED"
>;

/** The server could not be reached, or answered with an HTTP error, after the retry policy gave up. */
export class TransportError extends PlanExeError {
  override name = "TransportError" as const;
  declare readonly code: TransportErrorCode;
  constructor(code: TransportErrorCode, message: string, context: PlanExeErrorContext = {}) {
    super(code, message, context);
  }
}
