import type { PlanExeClient } from "../../client.js";
import type { PlanState } from "../../protocol/index.js";
import { unfetchableReason } from "../../transport/origin.js";
import type { PlanRef } from "../args/plan-ref.js";
import { ExitCode } from "../exit-codes.js";
import { explain } from "../explain.js";
import type { WatchResult } from "../render/index.js";
import { saveArtifacts } from "./save.js";

const EXIT_BY_STATE: Partial<Record<PlanState, number>> = {
  completed: ExitCode.OK,
  failed: ExitCode.FAILED,
  stopped: ExitCode.STOPPED,
};

/** The result of a plan that reached `state`: its report link, and its files saved when asked. */
export async function finishPlan(options: {
  command: string;
  ref: PlanRef;
  client: PlanExeClient;
  apiKey: string | undefined;
  signal: AbortSignal;
  canAsk: boolean;
  state: PlanState;
  failure: string | undefined;
  downloadDir?: string | undefined;
  force?: boolean | undefined;
}): Promise<WatchResult> {
  const { ref, client, signal, state } = options;
  const result: WatchResult = { state, exitCode: EXIT_BY_STATE[state] ?? ExitCode.ERROR };
  if (options.failure) result.error = options.failure;
  if (state !== "completed") return result;
  if (!ref.planId || !options.canAsk) {
    result.reportNote = "run `planexe-client download <plan-id>` with an API key to get it";
    return result;
  }
  try {
    const info = await client.getFileInfo(ref.planId, { signal });
    if ("download_url" in info && typeof info.download_url === "string") {
      const url = new URL(info.download_url, `${ref.baseUrl}/`);
      // Only a link the user can follow is shown as one.
      if (unfetchableReason(url)) result.reportNote = "the server gave a link that is not http(s)";
      else result.reportUrl = url.toString();
    } else if (info.ready === false) result.reportNote = `not ready (${info.reason})`;
  } catch (error) {
    result.reportNote = explain(error, options).message;
  }
  if (options.downloadDir) {
    try {
      const { saved, missing } = await saveArtifacts(
        client,
        ref.planId,
        options.downloadDir,
        signal,
        undefined,
        options.force === true,
      );
      result.saved = saved;
      if (missing.length > 0) {
        result.missing = missing;
        result.error = `download incomplete: ${missing.map((file) => file.artifact).join(" and ")} not saved`;
        result.exitCode = ExitCode.ERROR;
      }
    } catch (error) {
      const cliError = explain(error, { ...options, baseUrl: ref.baseUrl });
      result.error = `download failed: ${cliError.message}`;
      result.exitCode = cliError.exitCode === ExitCode.INTERRUPTED ? ExitCode.INTERRUPTED : 3;
    }
  }
  return result;
}
