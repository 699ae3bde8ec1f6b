// A world's downloads: whether a `?token=` opens one file of one plan, and what
// `/download/:id/:file` answers for it (401, 404 or the bytes).
import type { Clock } from "../time/clock.js";
import { type Artifact, buildArtifact } from "./artifacts.js";
import { KEY_MESSAGES } from "./auth.js";
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
      // PlanExe's middleware: a valid token or a key.
      if (!tokenOk && !keyAccepted && authRequired)
        return { status: 401, detail: KEY_MESSAGES.missing };
      // Then its route (`route_registration.py`), in its order and with its words.
      const kind =
        fileName === "report.html" ? "report" : fileName === "run.zip" ? "zip" : undefined;
      if (!kind) return { status: 404, detail: "Report not found" };
      // A token that is sent must be valid, even beside an accepted key.
      if (token !== null && !tokenOk)
        return { status: 401, detail: "Invalid or expired download token" };
      const plan = store.get(planId);
      if (!plan) return { status: 404, detail: "Plan not found" };
      const exists = kind === "report" ? plan.state === "completed" : plan.files.length > 0;
      if (!exists || !settings.contentAvailable) return { status: 404, detail: "Report not found" };
      return { status: 200, artifact: buildArtifact(plan, kind) };
    },
  };
}
