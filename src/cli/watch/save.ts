import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { PlanExeClient } from "../../client.js";
import { ErrorCode, isPlanExeError } from "../../errors/index.js";
import { fileTarget, refuseExisting } from "../download/file-target.js";
import type { MissingFile, SavedFile } from "../render/index.js";

const FILE_NAMES = { report: "report.html", zip: "run.zip" } as const;

/** Failures that concern one artifact only: the others are still worth saving. */
const ARTIFACT_CODES = new Set<string>([
  ErrorCode.CONTENT_UNAVAILABLE,
  ErrorCode.GENERATION_FAILED,
  ErrorCode.NOT_READY,
]);

/** What {@link saveArtifacts} saved, and what it could not get. */
export interface SaveResult {
  saved: SavedFile[];
  /** Artifacts PlanExe could not give (unavailable, never ready, not ready yet), with why. */
  missing: MissingFile[];
}

/**
 * Downloads the report and the zip into `dir` (created if missing) through
 * `PlanExeClient.downloadTo`, which checks each body against the server's sha256
 * and size while it streams into a temporary file. Existing files are kept unless
 * `force`. An artifact PlanExe cannot give (`content_unavailable` past the retry
 * deadline, `generation_failed`, not ready) is named in `missing` and the others
 * are still saved; any other failure rejects (files already saved stay).
 */
export async function saveArtifacts(
  client: PlanExeClient,
  planId: string,
  dir: string,
  signal: AbortSignal,
  artifacts: readonly ("report" | "zip")[] = ["report", "zip"],
  force = false,
): Promise<SaveResult> {
  const folder = resolve(dir);
  await mkdir(folder, { recursive: true });
  const paths = artifacts.map((artifact) => join(folder, `${planId}-${FILE_NAMES[artifact]}`));
  // Before any byte is fetched: a file in the way fails the command at once.
  for (const path of paths) await refuseExisting(path, force);
  const result: SaveResult = { saved: [], missing: [] };
  for (const [i, artifact] of artifacts.entries()) {
    const target = fileTarget(paths[i] as string, { force });
    try {
      const file = await client.downloadTo(planId, target, { artifact, signal });
      result.saved.push({
        artifact,
        path: file.result.path,
        sha256: file.sha256,
        bytes: file.result.bytes,
      });
    } catch (error) {
      if (signal.aborted || !isPlanExeError(error) || !ARTIFACT_CODES.has(error.code)) throw error;
      result.missing.push({ artifact, code: error.code, reason: error.message });
    }
  }
  return result;
}
