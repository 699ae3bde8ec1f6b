import { ErrorCode } from "../errors/codes.js";
import { redactText, redactUrl } from "../errors/redact.js";
import { TransportError, type TransportErrorCode } from "../errors/transport-error.js";
import type { TransientFailure } from "./classify.js";

/** The words a transient failure is described with (no secrets: the error's own text is left in `cause`). */
export function describeFailure(failure: TransientFailure): string {
  switch (failure.kind) {
    case "status":
      return `HTTP ${failure.status}`;
    case "rate-limited":
      return "HTTP 429 (rate limited)";
    case "timeout":
      return "no complete response within the attempt timeout";
    default:
      return failure.delivery === "no"
        ? "could not connect"
        : "the connection failed before a complete response";
  }
}

/** The transport code of a transient failure the policy gave up on. */
function failureCode(failure: TransientFailure): TransportErrorCode {
  switch (failure.kind) {
    case "status":
      return ErrorCode.HTTP_ERROR;
    case "rate-limited":
      return ErrorCode.RATE_LIMITED;
    case "timeout":
      return ErrorCode.ATTEMPT_TIMEOUT;
    default:
      return ErrorCode.NETWORK_ERROR;
  }
}

/** Context of a {@link TransportError} about one request. */
export interface RequestContext {
  method: string;
  url: string;
  secrets: readonly string[];
}

/** A {@link TransportError} whose message names the request with every secret shown as `***`. */
export function transportError(
  code: TransportErrorCode,
  text: string,
  request: RequestContext,
  context: { cause?: unknown; status?: number | undefined; attempts?: number },
): TransportError {
  const message = redactText(
    `${request.method} ${redactUrl(request.url)}: ${text}`,
    request.secrets,
  );
  return new TransportError(code, message, context);
}

/** The error thrown for a transient failure when the policy stops retrying. */
export function givingUp(
  failure: TransientFailure,
  reason: string,
  request: RequestContext,
  attempts: number,
  code: TransportErrorCode = failureCode(failure),
): TransportError {
  return transportError(code, `${describeFailure(failure)}; ${reason}`, request, {
    cause: failure.error ?? failure,
    status: failure.status,
    attempts,
  });
}
