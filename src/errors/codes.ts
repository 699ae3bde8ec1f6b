/**
 * Every `code` a {@link PlanExeError} can carry: the SDK's own, then the codes the
 * PlanExe server sends in tool errors and stream `error` events (see the contract).
 */
export const ErrorCode = {
  // SDK: transport and retry policy
  NETWORK_ERROR: "NETWORK_ERROR",
  HTTP_ERROR: "HTTP_ERROR",
  ATTEMPT_TIMEOUT: "ATTEMPT_TIMEOUT",
  DEADLINE_EXCEEDED: "DEADLINE_EXCEEDED",
  RATE_LIMITED: "RATE_LIMITED",
  AUTH_FAILED: "AUTH_FAILED",
  CROSS_ORIGIN_REDIRECT: "CROSS_ORIGIN_REDIRECT",
  RESPONSE_TOO_LARGE: "RESPONSE_TOO_LARGE",
  /** A server's DNS-rebinding guard refused the request's Host or Origin (421/403, plain text): not a key problem. */
  HOST_NOT_ALLOWED: "HOST_NOT_ALLOWED",
  // SDK: responses and streams that are not what PlanExe sends
  INVALID_RESPONSE: "INVALID_RESPONSE",
  WRONG_CONTENT_TYPE: "WRONG_CONTENT_TYPE",
  EVENT_TOO_LARGE: "EVENT_TOO_LARGE",
  STREAM_FAILED: "STREAM_FAILED",
  CHECKSUM_MISMATCH: "CHECKSUM_MISMATCH",
  TOO_LARGE: "TOO_LARGE",
  NOT_READY: "NOT_READY",
  CROSS_ORIGIN_STREAM: "CROSS_ORIGIN_STREAM",
  // Server: tool errors and stream errors
  PLAN_NOT_FOUND: "PLAN_NOT_FOUND",
  PLAN_NOT_FAILED: "PLAN_NOT_FAILED",
  PLAN_NOT_RESUMABLE: "PLAN_NOT_RESUMABLE",
  PIPELINE_VERSION_MISMATCH: "PIPELINE_VERSION_MISMATCH",
  INVALID_USER_API_KEY: "INVALID_USER_API_KEY",
  USER_API_KEY_REQUIRED: "USER_API_KEY_REQUIRED",
  INSUFFICIENT_CREDITS: "INSUFFICIENT_CREDITS",
  MODEL_PROFILES_UNAVAILABLE: "MODEL_PROFILES_UNAVAILABLE",
  INVALID_ARGUMENT: "INVALID_ARGUMENT",
  INVALID_ARGUMENTS: "INVALID_ARGUMENTS",
  INVALID_TOOL: "INVALID_TOOL",
  INVALID_FEEDBACK: "INVALID_FEEDBACK",
  INTERNAL_ERROR: "INTERNAL_ERROR",
  SSE_TIMEOUT: "SSE_TIMEOUT",
  SSE_CONNECTION_LIMIT: "SSE_CONNECTION_LIMIT",
  /** `plan_file_info` of a failed plan's report: it will never be ready. */
  GENERATION_FAILED: "generation_failed",
  /** `plan_file_info`: PlanExe could not read the artifact's bytes (its worker may be deploying). */
  CONTENT_UNAVAILABLE: "content_unavailable",
  UNKNOWN_SERVER_ERROR: "UNKNOWN_SERVER_ERROR",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
