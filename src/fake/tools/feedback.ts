import { z } from "zod";
import { isoSeconds } from "../views.js";
import { defineTool, ToolFailure, userFor } from "./context.js";

export const sendFeedback = defineTool({
  name: "send_feedback",
  description: "Tell the PlanExe team about the MCP server, a plan, the code or the docs.",
  inputSchema: z.object({
    category: z.enum(["mcp", "plan", "code", "docs", "other"]),
    message: z.string(),
    plan_id: z.string().optional(),
    rating: z.number().int().min(1).max(5).optional(),
    user_api_key: z.string().optional(),
  }),
  annotations: { readOnlyHint: false, idempotentHint: true },
  free: false,
  handler(args, context) {
    const userId = userFor(args.user_api_key, context);
    const message = args.message.trim();
    if (message.length === 0 || message.length > 10_000) {
      throw new ToolFailure("INVALID_FEEDBACK", "Feedback message must be 1–10000 characters.");
    }
    const now = context.clock.now();
    const feedback_id = context.newId();
    context.feedback.push({
      feedback_id,
      category: args.category,
      message,
      plan_id: args.plan_id,
      rating: args.rating,
      user_id: userId,
      received_at: now,
    });
    return { feedback_id, received_at: isoSeconds(now), message: "Thank you for the feedback." };
  },
});
