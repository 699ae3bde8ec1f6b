import { z } from "zod";
import { newPlan } from "../plans.js";
import type { PlanRecord } from "../types.js";
import { MODEL_PROFILES } from "../types.js";
import { isoSeconds, sseUrl } from "../views.js";
import { defineTool, type ToolContext, ToolFailure } from "./context.js";

/** The newest pending/processing plan of `userId` with this prompt and profile inside the window. */
function findDuplicate(
  context: ToolContext,
  userId: string,
  prompt: string,
  modelProfile: string,
): PlanRecord | undefined {
  const { dedupWindowMs } = context.settings;
  if (dedupWindowMs <= 0) return undefined;
  const cutoff = context.clock.now() - dedupWindowMs;
  return context.store
    .list()
    .reverse()
    .filter(
      (plan) =>
        plan.user_id === userId &&
        plan.prompt === prompt &&
        plan.model_profile === modelProfile &&
        (plan.state === "pending" || plan.state === "processing") &&
        plan.created_at >= cutoff,
    )
    .sort((a, b) => b.created_at - a.created_at)[0];
}

export const planCreate = defineTool({
  name: "plan_create",
  description:
    "Start creating a plan from a prompt. Returns plan_id at once; the plan takes 10–20 minutes. " +
    "An identical prompt and model_profile from the same user within 600 s, while still pending or " +
    "processing, returns the existing plan with deduplicated: true.",
  // PlanExe's HTTP wrapper takes any string: no length or date format is checked.
  inputSchema: z.object({
    prompt: z.string().describe("What the plan is about, in plain language."),
    model_profile: z.enum(MODEL_PROFILES).default("baseline"),
    start_date: z
      .string()
      .nullish()
      .describe("Optional plan start date in ISO 8601 format with timezone offset."),
  }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: true,
  },
  free: false,
  handler(args, context) {
    const userId = context.caller.userId;
    if (context.settings.insufficientCredits) {
      throw new ToolFailure(
        "INSUFFICIENT_CREDITS",
        "Not enough credits. Top up at https://home.planexe.org/",
      );
    }
    const base = context.caller.baseUrl;
    const duplicate = findDuplicate(context, userId, args.prompt, args.model_profile);
    if (duplicate) {
      return {
        plan_id: duplicate.plan_id,
        created_at: isoSeconds(duplicate.created_at),
        deduplicated: true,
        sse_url: sseUrl(base, duplicate.plan_id),
      };
    }
    const plan = newPlan({
      planId: context.newId(),
      userId,
      prompt: args.prompt,
      modelProfile: args.model_profile,
      startDate: args.start_date ?? undefined,
      pipelineVersion: context.settings.pipelineVersion,
      now: context.clock.now(),
    });
    context.store.insert(plan);
    context.queued();
    return {
      plan_id: plan.plan_id,
      created_at: isoSeconds(plan.created_at),
      sse_url: sseUrl(base, plan.plan_id),
    };
  },
});
