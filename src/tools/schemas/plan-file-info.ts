import { z } from "zod";
import { PlanIdSchema, TimestampSchema } from "./common.js";

/** Which artifact of a plan: the HTML report or the zip of the whole run. */
const ArtifactSchema = z.enum(["report", "zip"]);
export type Artifact = z.infer<typeof ArtifactSchema>;

/** Input of `plan_file_info`. */
export const PlanFileInfoInputSchema = z.object({
  plan_id: PlanIdSchema,
  /** @default "report" */
  artifact: ArtifactSchema.default("report"),
});
export type PlanFileInfoInput = z.input<typeof PlanFileInfoInputSchema>;

/** `plan_file_info` while the artifact does not exist yet: `reason` is `processing`, or `stopped` for a stopped plan's report. */
const FileNotReadySchema = z.looseObject({
  ready: z.literal(false),
  reason: z.string(),
});

/**
 * `plan_file_info` once the artifact exists (PlanExe sends no `ready` key then).
 * `download_url` carries a signed `?token=` valid 15 min; `expires_at` is ISO 8601
 * with microseconds and `+00:00`.
 */
const FileReadySchema = z.looseObject({
  ready: z.literal(true).optional(),
  content_type: z.string(),
  /** Hex SHA-256 of the body at `download_url`. */
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, "sha256 must be 64 hex digits"),
  download_size: z.number().int().nonnegative(),
  download_url: z.string().optional(),
  expires_at: TimestampSchema.optional(),
});
export type FileReady = z.infer<typeof FileReadySchema>;

/** What `getFileInfo` resolves with: not ready yet (`ready: false`), or ready. */
export const PlanFileInfoOutputSchema = z.union([FileNotReadySchema, FileReadySchema]);
export type PlanFileInfoOutput = z.infer<typeof PlanFileInfoOutputSchema>;

/**
 * A failure PlanExe reports inside a `plan_file_info` result (`isError: false`):
 * `{ error: { code: "content_unavailable", message } }` when it cannot read the
 * bytes, and `{ ready: false, reason: "failed", error: { code: "generation_failed",
 * message } }` for a failed plan's report. `getFileInfo` turns both into typed errors.
 */
const FileFailureSchema = z.looseObject({
  ready: z.literal(false).optional(),
  reason: z.string().optional(),
  error: z.looseObject({ code: z.string(), message: z.string().optional() }),
});

/** Every `plan_file_info` result PlanExe sends: a failure first (it may carry `ready: false` too), then not ready, then ready. */
export const PlanFileInfoAnswerSchema = z.union([
  FileFailureSchema,
  FileNotReadySchema,
  FileReadySchema,
]);
export type PlanFileInfoAnswer = z.infer<typeof PlanFileInfoAnswerSchema>;
