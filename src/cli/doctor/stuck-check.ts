import type { PlanExeClient } from "../../client.js";
import type { PlanSummary } from "../../tools/schemas/plan-list.js";
import { explain } from "../explain.js";
import { type CheckResult, fail, ok } from "./checks.js";

/** Plans in `processing` (after a deploy, maybe stuck: `plan_retry` or `plan_resume` them). */
export async function checkStuck(
  client: PlanExeClient | undefined,
  plans: PlanSummary[] | Error | undefined,
  baseUrl: string,
  signal: AbortSignal,
): Promise<CheckResult> {
  const name = "plans processing";
  if (!client || plans === undefined)
    return {
      name,
      status: "skip",
      detail: "skipped: plan_list needs an API key (--api-key or PLANEXE_API_KEY)",
    };
  if (plans instanceof Error) {
    if (signal.aborted) throw plans;
    return fail(name, explain(plans, { command: "plan_list", baseUrl }).message);
  }
  const processing = plans.filter((plan) => plan.state === "processing");
  const lines = processing.map(
    (plan) =>
      `${plan.plan_id}  ${plan.progress_percentage.toFixed(1).padStart(5)}%  created ${plan.created_at}  ${plan.prompt_excerpt.replace(/\s+/g, " ").slice(0, 40)}`,
  );
  const detail =
    processing.length === 0
      ? `none of your ${plans.length} newest plans is processing`
      : `${processing.length} of your ${plans.length} newest plans processing: check they progress (\`planexe-client status <id>\`), else retry/resume them`;
  return ok(name, detail, lines);
}
