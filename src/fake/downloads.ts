// A world's downloads: whether a `?token=` opens one file of one plan, and what
// `/download/:id/:file` answers for it (401, 404 or the bytes).
import type { Clock } from "../time/clock.js";
import { type Artifact, buildArtifact } from "./artifacts.js";
import type { PlanStore } from "./store.js";
import { verifyDownloadToken } from "./tokens.js";
import type { ToolSettings } from "./tools/index.js";

/** A download, as the `/download/:id/:file` route answers it. */
export type DownloadResult =
  | { status: 200; artifact: Artifact }
  | { status: 401 | 404; detail: string };

/** What downloads read from the world; `settings` is read at call time (content can go away). */
interface DownloadDeps {
  clock: Clock;
  store: PlanStore;
  settings: ToolSettings;
  authRequired: boolean;
}

/** The world's `downloadTokenValid` and `download`. */
export function createDownloads({ clock, store, settings, authRequired }: DownloadDeps) {
  const tokenValid = (planId: string, fileName: string, token: string | null): boolean =>
    token !== null &&
    verifyDownloadToken(settings.downloadSecret, planId, fileName, token, clock.now());
  return {
    tokenValid,
    answer(
      planId: string,
      fileName: string,
      token: string | null,
      keyAccepted = false,
    ): DownloadResult {
      const tokenOk = tokenValid(planId, fileName, token);
      if (!tokenOk && !keyAccepted && authRequired)
        return {
          status: 401,
          detail: "Missing API key. Create an API key at https://home.planexe.org/",
        };
      const kind =
        fileName === "report.html" ? "report" : fileName === "run.zip" ? "zip" : undefined;
      const plan = store.get(planId);
      if (!kind || !plan) return { status: 404, detail: "Not Found" };
      const exists = kind === "report" ? plan.state === "completed" : plan.files.length > 0;
      if (!exists || !settings.contentAvailable)
        return { status: 404, detail: kind === "report" ? "Report not found" : "Zip not found" };
      return { status: 200, artifact: buildArtifact(plan, kind) };
    },
  };
}
