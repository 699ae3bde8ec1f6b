import { ErrorCode, redactText, ToolError } from "../errors/index.js";
import { toolErrorFromResult } from "./result-error.js";
import type { Artifact, PlanFileInfoAnswer, PlanFileInfoOutput } from "./schemas/plan-file-info.js";

/**
 * What `getFileInfo` resolves with, from any `plan_file_info` answer: ready or not
 * ready yet as they are; a failure PlanExe reports inside the result (`isError:
 * false`) as a `ToolError` at once — `generation_failed` (a failed plan's report: it
 * will never be ready) and `content_unavailable` (PlanExe could not read the bytes:
 * its worker may be deploying; `download` waits that out) — keeping the server's
 * message, scrubbed, and its `reason` in `details`.
 */
export function fileInfoResult(
  answer: PlanFileInfoAnswer,
  artifact: Artifact,
  secrets: readonly (string | undefined)[],
): PlanFileInfoOutput {
  if (!("error" in answer) || typeof answer.error !== "object" || answer.error === null)
    return answer as PlanFileInfoOutput;
  const { code, message = "" } = answer.error as { code: string; message?: string };
  const said = redactText(message, secrets);
  const details = { artifact, ...("reason" in answer && { reason: answer.reason }), code };
  const context = { tool: "plan_file_info", details };
  if (code === ErrorCode.GENERATION_FAILED)
    return fail(
      new ToolError(
        ErrorCode.GENERATION_FAILED,
        `The plan failed, so its ${artifact} will never be ready (generation_failed: ${said})`,
        context,
      ),
    );
  if (code === ErrorCode.CONTENT_UNAVAILABLE)
    return fail(
      new ToolError(
        ErrorCode.CONTENT_UNAVAILABLE,
        `PlanExe could not read the ${artifact}'s bytes (content_unavailable: ${said}); while its worker deploys this passes, so ask again shortly`,
        context,
      ),
    );
  // Any other code reported inside a result is typed as a refusal would be.
  return fail(toolErrorFromResult("plan_file_info", { structuredContent: answer }, secrets));
}

function fail(error: ToolError): never {
  throw error;
}
