import { z } from "zod";
import { PlanIdSchema, TimestampSchema } from "./common.js";

/** Which artifact of a plan: the HTML report or the zip of the whole run. */
export const ArtifactSchema = z.enum(["report", "zip"]);
export type Artifact = z.infer<typeof ArtifactSchema>;

/** Input of `plan_file_info`. */
export const PlanFileInfoInputSchema = z.object({
  plan_id: PlanIdSchema,
  /** @default "report" */
  artifact: ArtifactSchema.default("report"),
});
export type PlanFileInfoInput = z.input<typeof PlanFileInfoInputSchema>;

/** `plan_file_info` while the artifact does not exist yet. */
export const FileNotReadySchema = z.looseObject({
  ready: z.literal(false),
  reason: z.string(),
});
export type FileNotReady = z.infer<typeof FileNotReadySchema>;

/** `plan_file_info` once the artifact exists. `download_url` carries a signed `?token=` valid 15 min. */
export const FileReadySchema = z.looseObject({
  ready: z.literal(true).optional(),
  content_type: z.string(),
  /** Hex SHA-256 of the body at `download_url`. */
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, "sha256 must be 64 hex digits"),
  download_size: z.number().int().nonnegative(),
  download_url: z.string().optional(),
  expires_at: TimestampSchema.optional(),
});
export type FileReady = z.infer<typeof FileReadySchema>;

/** Output of `plan_file_info`: not ready (`ready: false`) or ready. */
export const PlanFileInfoOutputSchema = z.union([FileNotReadySchema, FileReadySchema]);
export type PlanFileInfoOutput = z.infer<typeof PlanFileInfoOutputSchema>;
