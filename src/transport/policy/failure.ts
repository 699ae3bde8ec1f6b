import { redact, redactUrl } from "../../errors/redact.js";
import { TransportError, type TransportErrorCode } from "../../errors/transport-error.js";
import type { TransientFailure } from "./classify.js";
import { failureCode } from "./decide.js";

/** The words a transient failure is described with (no secrets: the error's own text is left in `cause`). */
export function describeFailure(failure: TransientFailure): string {
  switch (failure.kind) {
    case "outage-status":
    case "unavailable":
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
  context: { cause?: unknown; status?: number | undefined; attempts?: number; details?: unknown },
): TransportError {
  const message = redact(`${request.method} ${redactUrl(request.url)}: ${text}`, {
    secrets: request.secrets,
    planIds: true,
  });
  return new TransportError(code, message, context);
}

/**
 * The error thrown for a transient failure when the policy stops retrying. Its
 * `details.delivery` says whether the request may have reached the server, for the
 * callers that decide what to do next (`retryPlan` / `resumePlan`).
 */
export function givingUp(
  failure: TransientFailure,
  reason: string,
  request: RequestContext,
  attempts: number,
  code: TransportErrorCode = failureCode(failure.kind),
): TransportError {
  return transportError(code, `${describeFailure(failure)}; ${reason}`, request, {
    cause: failure.error ?? failure,
    status: failure.status,
    attempts,
    details: { delivery: failure.delivery },
  });
}
