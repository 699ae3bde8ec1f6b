import type { ErrorCode } from "./codes.js";
import { redact } from "./redact.js";

const BRAND = Symbol.for("planexe-client.PlanExeError");

/** Context an error carries besides its message. All fields are safe to log. */
export interface PlanExeErrorContext {
  /** The original error. */
  cause?: unknown;
  /** The HTTP status of the response that failed, when there was one. */
  status?: number | undefined;
  /** How many attempts were made before giving up. */
  attempts?: number | undefined;
  /** The PlanExe tool being called (`plan_create`, …). */
  tool?: string | undefined;
  /** The server's own error details, when it sent any. */
  details?: unknown;
}

/**
 * The base of every error the SDK throws. Each has a literal `code`, the original
 * error as `cause`, and context. It is redacted whole when built (`redact.ts`): its `message`,
 * `stack`, `details` and every error in its `cause` chain (a JSON-RPC error's
 * `data` included) show API keys, bearer tokens, URL user info and download tokens
 * as `***`, even when a server echoed them back; so does anything that prints it
 * (`String`, `JSON.stringify`, `util.inspect`, `console.error`). The cause is a
 * redacted copy: same prototype, so `instanceof` still holds.
 */
export class PlanExeError extends Error {
  override name = "PlanExeError";
  readonly code: ErrorCode;
  readonly status: number | undefined;
  readonly attempts: number | undefined;
  readonly tool: string | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, context: PlanExeErrorContext = {}) {
    // Messages carry server text and end up on terminals (console.error): controls are shown, not run.
    super(
      redact(message, { controls: true }),
      "cause" in context ? { cause: redact(context.cause) } : undefined,
    );
    this.code = code;
    this.status = context.status;
    this.attempts = context.attempts;
    this.tool = context.tool;
    this.details = redact(context.details);
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }
}

/** True for any error thrown by planexe-client, across realms and ESM/CJS copies. */
export function isPlanExeError(error: unknown): error is PlanExeError {
  return typeof error === "object" && error !== null && BRAND in error;
}
