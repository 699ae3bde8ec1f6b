import type { PlanExeClient } from "../client.js";
import type { ToolName, ToolParsedInput } from "../tools/schemas/registry.js";

type Forwarders = {
  [N in ToolName]: (
    client: PlanExeClient,
    args: ToolParsedInput<N>,
    signal: AbortSignal,
  ) => Promise<unknown>;
};

/** Each PlanExe tool answered by the `PlanExeClient` method that carries its resend rules. */
const FORWARDERS: Forwarders = {
  plan_create: (client, { prompt, ...rest }, signal) =>
    client.createPlan(prompt, { ...rest, signal }),
  plan_status: (client, { plan_id }, signal) => client.getStatus(plan_id, { signal }),
  plan_stop: (client, { plan_id }, signal) => client.stopPlan(plan_id, { signal }),
  plan_retry: (client, { plan_id, ...rest }, signal) =>
    client.retryPlan(plan_id, { ...rest, signal }),
  plan_resume: (client, { plan_id, ...rest }, signal) =>
    client.resumePlan(plan_id, { ...rest, signal }),
  plan_file_info: (client, { plan_id, ...rest }, signal) =>
    client.getFileInfo(plan_id, { ...rest, signal }),
  plan_list: (client, args, signal) => client.listPlans({ ...args, signal }),
  example_prompts: (client, _args, signal) => client.examplePrompts({ signal }),
  example_plans: (client, _args, signal) => client.examplePlans({ signal }),
  model_profiles: (client, _args, signal) => client.modelProfiles({ signal }),
  send_feedback: (client, { category, message, ...rest }, signal) =>
    client.sendFeedback(category, message, { ...rest, signal }),
};

/** Calls PlanExe tool `name` through `client` (one outage episode, its resend rules). */
export function forwardTool<N extends ToolName>(
  client: PlanExeClient,
  name: N,
  args: ToolParsedInput<N>,
  signal: AbortSignal,
): Promise<unknown> {
  return (FORWARDERS[name] as Forwarders[N])(client, args, signal);
}
