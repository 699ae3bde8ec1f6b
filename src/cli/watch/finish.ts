import type { PlanExeClient } from "../../client.js";
import type { PlanState } from "../../protocol/index.js";
import { DEFAULT_URL } from "../args/connection.js";
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

/** The result of a plan that reached `state`: how to get its report, and its files saved when asked. */
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
    // Not the signed link: it is a credential (scrollback, logs and CI output keep it,
    // so the CLI never prints it) and it expires 15 minutes after it was made, while
    // this command works whenever it is run and checks the file's sha256.
    if (info.ready === false) result.reportNote = `not ready (${info.reason})`;
    else if (!options.downloadDir)
      result.reportCommand = `planexe-client download ${ref.planId} --artifact report${
        ref.baseUrl === DEFAULT_URL ? "" : ` --url ${ref.baseUrl}`
      }`;
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
