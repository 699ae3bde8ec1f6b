import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { PlanExeClient } from "../../client.js";
import { fileTarget, refuseExisting } from "../download/file-target.js";
import type { SavedFile } from "../render/index.js";

const FILE_NAMES = { report: "report.html", zip: "run.zip" } as const;

/**
 * Downloads the report and the zip into `dir` (created if missing) through
 * `PlanExeClient.downloadTo`, which checks each body against the server's sha256
 * and size while it streams into a temporary file. Existing files are kept unless
 * `force`.
 */
export async function saveArtifacts(
  client: PlanExeClient,
  planId: string,
  dir: string,
  signal: AbortSignal,
  artifacts: readonly ("report" | "zip")[] = ["report", "zip"],
  force = false,
): Promise<SavedFile[]> {
  const folder = resolve(dir);
  await mkdir(folder, { recursive: true });
  const paths = artifacts.map((artifact) => join(folder, `${planId}-${FILE_NAMES[artifact]}`));
  // Before any byte is fetched: a file in the way fails the command at once.
  for (const path of paths) await refuseExisting(path, force);
  const saved: SavedFile[] = [];
  for (const [i, artifact] of artifacts.entries()) {
    const target = fileTarget(paths[i] as string, { force });
    const file = await client.downloadTo(planId, target, { artifact, signal });
    saved.push({ artifact, path: file.result.path, sha256: file.sha256, bytes: file.result.bytes });
  }
  return saved;
}
