import { z } from "zod";
import { pythonIsoformat } from "../views.js";
import { defineTool, planNotFound } from "./context.js";

export const sendFeedback = defineTool({
  name: "send_feedback",
  description: "Tell the PlanExe team about the MCP server, a plan, the code or the docs.",
  inputSchema: z.object({
    // Documented: mcp, plan, code, docs, other; PlanExe's HTTP wrapper takes any string.
    category: z.string().describe("Feedback category: mcp, plan, code, docs, or other."),
    message: z.string().describe("Free-text feedback (may be empty)."),
    plan_id: z.string().nullish(),
    rating: z.number().int().min(1).max(5).nullish(),
  }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  free: false,
  handler(args, context) {
    const userId = context.caller.userId;
    const message = args.message;
    if (args.plan_id && !context.store.get(args.plan_id)) throw planNotFound(args.plan_id);
    const now = context.clock.now();
    const feedback_id = context.newId();
    context.feedback.push({
      feedback_id,
      category: args.category,
      message,
      plan_id: args.plan_id ?? undefined,
      rating: args.rating ?? undefined,
      user_id: userId,
      received_at: now,
    });
    return {
      feedback_id,
      received_at: pythonIsoformat(now).replace("+00:00", "Z"),
      message: "Feedback received. Thank you.",
    };
  },
});
