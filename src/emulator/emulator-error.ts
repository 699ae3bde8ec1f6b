/** What went wrong in the emulator itself (not in PlanExe behaviour). */
export type EmulatorErrorCode =
  | "START_FAILED"
  | "DEPLOY_IN_PROGRESS"
  | "DEPLOY_FAILED"
  | "CONTROL_FAILED";

/** A failure of the emulator: it could not start, a deploy failed, or its control endpoint refused. */
export class EmulatorError extends Error {
  override name = "EmulatorError" as const;
  readonly code: EmulatorErrorCode;
  constructor(code: EmulatorErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
