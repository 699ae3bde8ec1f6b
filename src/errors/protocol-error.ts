import type { ErrorCode } from "./codes.js";
import { PlanExeError, type PlanExeErrorContext } from "./planexe-error.js";

/** Codes of answers that are not what a PlanExe server sends. */
export type ProtocolErrorCode = Extract<
  ErrorCode,
  | "INVALID_RESPONSE"
  | "WRONG_CONTENT_TYPE"
  | "EVENT_TOO_LARGE"
  | "STREAM_FAILED"
  | "CHECKSUM_MISMATCH"
  | "TOO_LARGE"
  | "NOT_READY"
  | "CROSS_ORIGIN_STREAM"
>;

/** The server answered, but not in a shape the SDK can use (bad JSON, wrong content type, oversize event or body, bad checksum, a stream URL on another origin). */
export class ProtocolError extends PlanExeError {
  override name = "ProtocolError" as const;
  declare readonly code: ProtocolErrorCode;
  constructor(code: ProtocolErrorCode, message: string, context: PlanExeErrorContext = {}) {
    super(code, message, context);
  }
}
