import type { CallToolResult } from "@modelcontextprotocol/server";
import { ErrorCode, isPlanExeError, type PlanExeError } from "../errors/index.js";
import type { OutageEpisode } from "../transport/episode/episode.js";
import { CallBudgetExceeded } from "./budget.js";
import { jsonResult } from "./tool-result.js";

/** The codes this local server adds to PlanExe's own in `isError` results. */
const LocalErrorCode = {
  /** PlanExe did not answer in time because it is down (a deploy, a restart, no network). */
  PLANEXE_UNAVAILABLE: "PLANEXE_UNAVAILABLE",
  /** PlanExe is up but did not answer within the call budget. */
  PLANEXE_TIMEOUT: "PLANEXE_TIMEOUT",
  /** Something in this local server went wrong (a bug: please report it). */
  LOCAL_ERROR: "LOCAL_ERROR",
} as const;

/** What {@link errorResult} needs to word its advice. */
export interface ErrorResultContext {
  tool: string;
  budgetMs: number;
  episode: OutageEpisode | undefined;
  now: number;
  /** When the call began (epoch ms). */
  startedAt: number;
  /** The API key, never echoed. */
  secrets: readonly string[];
  /** What to check before calling again when the call may have acted (else the tool's own advice, if any). */
  checkBeforeRepeating?: string | undefined;
}

/** The `{ error }` a failed call returns in `structuredContent` (PlanExe's own shape, with advice added). */
interface LocalToolError {
  code: string;
  message: string;
  /** How long PlanExe has been unreachable, in seconds. */
  down_for_s?: number;
  /** When calling again makes sense, in seconds from now (0: at once). */
  retry_after_s?: number;
  /** The request may have reached PlanExe before its answer was lost. */
  may_have_reached_server?: boolean;
  /** What the caller should do next. */
  next_step: string;
}

/** Tools whose effect a lost answer may hide, and how to find out. */
const CHECK_BEFORE_REPEATING: Record<string, string> = {
  plan_create:
    "plan_create may have started the plan before PlanExe went away: call plan_list first and look for a plan with this prompt. Sending exactly the same prompt and model_profile again within 10 minutes returns the same plan (the server deduplicates it), never a second one.",
  plan_retry:
    "plan_retry may have taken effect: call plan_status first; if the plan is pending or processing it did, so do not retry it again.",
  plan_resume:
    "plan_resume may have taken effect: call plan_status first; if the plan is pending or processing it did, so do not resume it again.",
};

/**
 * A failed call as a tool result a model can act on (`isError: true`): a
 * structured code, how long PlanExe has been down, when to call again and, for a
 * call that may have reached the server, what to check before repeating it.
 */
export function errorResult(error: unknown, context: ErrorResultContext): CallToolResult {
  return jsonResult({ error: describe(error, context) }, context.secrets, true);
}

function describe(error: unknown, context: ErrorResultContext): LocalToolError {
  const { tool, episode, now } = context;
  const check = context.checkBeforeRepeating ?? CHECK_BEFORE_REPEATING[tool];
  if (error instanceof CallBudgetExceeded || isUnavailable(error)) {
    const down = episode?.state === "down" || !(error instanceof CallBudgetExceeded);
    const downSince = episode?.downSince ?? context.startedAt;
    const budget = Math.round(context.budgetMs / 1000);
    const downFor = Math.max(0, Math.round((now - downSince) / 1000));
    if (!down)
      return {
        code: LocalErrorCode.PLANEXE_TIMEOUT,
        message: `PlanExe is up but did not answer ${tool} within ${budget} s.`,
        retry_after_s: 0,
        ...(check && { may_have_reached_server: true }),
        next_step: check ?? `Call ${tool} again.`,
      };
    return {
      code: LocalErrorCode.PLANEXE_UNAVAILABLE,
      message: `PlanExe has been unreachable for ${downFor} s (most likely a deploy or restart, which takes 30-120 s). ${tool} waited ${budget} s for it.`,
      down_for_s: downFor,
      retry_after_s: 0,
      ...(check && { may_have_reached_server: true }),
      next_step:
        check ??
        `Call ${tool} again now: each call waits up to ${budget} s for PlanExe to come back.`,
    };
  }
  if (!isPlanExeError(error))
    return {
      code: LocalErrorCode.LOCAL_ERROR,
      message: error instanceof Error ? error.message : String(error),
      next_step: "Check the arguments against the tool's input schema and call again.",
    };
  return fromPlanExeError(error, context);
}

function fromPlanExeError(error: PlanExeError, context: ErrorResultContext): LocalToolError {
  const base = { code: serverCode(error), message: error.message };
  switch (error.code) {
    case ErrorCode.RATE_LIMITED: {
      const wait = Math.max(0, (context.episode?.rateLimitedUntil ?? 0) - context.now);
      return {
        ...base,
        retry_after_s: Math.ceil(wait / 1000),
        next_step:
          "PlanExe allows 60 calls a minute: wait, then call again; prefer plan_wait over polling plan_status.",
      };
    }
    case ErrorCode.AUTH_FAILED:
    case ErrorCode.USER_API_KEY_REQUIRED:
    case ErrorCode.INVALID_USER_API_KEY:
      return {
        ...base,
        next_step:
          "The PlanExe API key is missing or rejected: set PLANEXE_API_KEY in this MCP server's environment (the host's MCP config) and restart the server. Do not call again until then.",
      };
    case ErrorCode.PLAN_NOT_FOUND:
      return { ...base, next_step: "Check the plan_id (plan_list shows your plans)." };
    case ErrorCode.RESPONSE_TOO_LARGE:
      return {
        ...base,
        next_step:
          "PlanExe's answer was larger than this server accepts and was cut: tell the user; calling again will most likely get the same answer.",
      };
    case ErrorCode.CONTENT_UNAVAILABLE:
      return {
        ...base,
        retry_after_s: 10,
        next_step:
          "PlanExe could not read the file's bytes just now (its worker may be deploying): call plan_file_info again in about 10 s.",
      };
    case ErrorCode.GENERATION_FAILED:
      return {
        ...base,
        next_step:
          "The plan failed, so this report will never be ready: call plan_status for the reason, then plan_resume or plan_retry if the user wants it run again.",
      };
    case ErrorCode.INSUFFICIENT_CREDITS:
      return {
        ...base,
        next_step: "The account has no credits left: tell the user; do not call again.",
      };
    default:
      return { ...base, next_step: "Read the message; fix the call or tell the user." };
  }
}

/** The server's own code when it sent one the SDK does not know. */
function serverCode(error: PlanExeError): string {
  const details = error.details as { code?: unknown } | undefined;
  if (error.code === ErrorCode.UNKNOWN_SERVER_ERROR && typeof details?.code === "string")
    return details.code;
  return error.code;
}

/** The retry policy gave up because the server stayed unreachable or kept answering 5xx. */
function isUnavailable(error: unknown): boolean {
  if (!isPlanExeError(error) || error.name !== "TransportError") return false;
  // A proxy's refusal is the proxy's (its message names it), not PlanExe being down.
  if ((error.details as { proxy?: unknown } | undefined)?.proxy !== undefined) return false;
  if (error.code === ErrorCode.HTTP_ERROR) return error.status === undefined || error.status >= 500;
  return (
    error.code !== ErrorCode.RATE_LIMITED &&
    error.code !== ErrorCode.CROSS_ORIGIN_REDIRECT &&
    error.code !== ErrorCode.RESPONSE_TOO_LARGE
  );
}
