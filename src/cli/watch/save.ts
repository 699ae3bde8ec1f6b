import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { PlanExeClient } from "../../client.js";
import type { SavedFile } from "../render/index.js";

const FILE_NAMES = { report: "report.html", zip: "run.zip" } as const;

/**
 * Downloads the report and the zip into `dir` (created if missing) through
 * `PlanExeClient.download`, which checks each body against the server's sha256.
 */
export async function saveArtifacts(
  client: PlanExeClient,
  planId: string,
  dir: string,
  signal: AbortSignal,
  artifacts: readonly ("report" | "zip")[] = ["report", "zip"],
): Promise<SavedFile[]> {
  const folder = resolve(dir);
  await mkdir(folder, { recursive: true });
  const saved: SavedFile[] = [];
  for (const artifact of artifacts) {
    const file = await client.download(planId, { artifact, signal });
    const path = join(folder, `${planId}-${FILE_NAMES[artifact]}`);
    await writeFile(path, file.bytes);
    saved.push({ artifact, path, sha256: file.sha256, bytes: file.bytes.byteLength });
  }
  return saved;
}
