import type { PlanState } from "../protocol/index.js";

/** The two ways Railway deploys PlanExe: one replica replaced (a 502 window), or replicas replaced one at a time. */
export type DeployKind = "restart" | "rolling";

/** The model profiles PlanExe accepts. */
export const MODEL_PROFILES = ["baseline", "premium", "frontier", "custom"] as const;
export type ModelProfile = (typeof MODEL_PROFILES)[number];

/** Why a plan failed, as PlanExe reports it in `plan_status.error.failure_reason`. */
type FailureReason =
  | "generation_error"
  | "worker_error"
  | "inactivity_timeout"
  | "internal_error"
  | "version_mismatch";

/** The `error` of a failed plan. */
export interface PlanFailure {
  failure_reason: FailureReason;
  failed_step?: string | undefined;
  message: string;
  /** True when `plan_resume` may continue the plan from its finished steps. */
  recoverable: boolean;
}

/** One file the pipeline wrote, newest last. `updated_at` is ms since the epoch. */
interface PlanFile {
  path: string;
  updated_at: number;
}

/**
 * One plan as the database holds it: plain JSON, so a {@link PlanStore} can keep it
 * anywhere (memory, a file shared by processes). Times are ms since the epoch.
 */
export interface PlanRecord {
  plan_id: string;
  user_id: string;
  prompt: string;
  model_profile: ModelProfile;
  start_date?: string | undefined;
  pipeline_version: number;
  created_at: number;
  /** When the plan last entered `pending`: the worker takes the oldest first. */
  queued_at: number;
  state: PlanState;
  /** 0 for the first run, +1 on each retry or resume. */
  run: number;
  resume_count: number;
  steps_completed: number;
  started_at?: number | undefined;
  last_progress_at?: number | undefined;
  finished_at?: number | undefined;
  /** The worker that runs the plan while it is `processing`. */
  worker_id?: string | undefined;
  stop_requested: boolean;
  files: PlanFile[];
  error?: PlanFailure | undefined;
}

/** A feedback entry received by `send_feedback`. */
export interface FeedbackRecord {
  feedback_id: string;
  category: string;
  message: string;
  plan_id?: string | undefined;
  rating?: number | undefined;
  user_id: string;
  received_at: number;
}

/** Who is calling a tool: the identity the auth layer resolved, and where the caller sees us. */
export interface Caller {
  /** The user the plans belong to (derived from the API key). @default "anonymous" */
  userId: string;
  /** Public origin for `sse_url` and `download_url`, e.g. `https://mcp.planexe.org`. */
  baseUrl: string;
}

/** A tool-level failure, sent as `isError: true` with `structuredContent = { error }`. */
export interface ToolErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown> | undefined;
}

/**
 * The result of one tool call: its structured output; a handler's refusal (`error`,
 * sent as `structuredContent.error`); or a text-only failure (`text`, no
 * `structuredContent`), as PlanExe's MCP layer answers bad arguments, an unknown tool
 * or an exception. A text-only failure also carries the `error` the REST mirror
 * (`POST /mcp/tools/call`) reports for it (`INVALID_ARGUMENTS`, `INVALID_TOOL`, …).
 */
export type ToolOutcome =
  | { ok: true; result: Record<string, unknown> }
  | { ok: false; error: ToolErrorBody; text?: string | undefined };
