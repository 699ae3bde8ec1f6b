import { z } from "zod";
import { type ArtifactKind, buildArtifact } from "../artifacts.js";
import { createDownloadToken, DOWNLOAD_TTL_MS } from "../tokens.js";
import { isoSeconds, listItem, statusView } from "../views.js";
import { defineTool, planNotFound, ToolFailure, userFor } from "./context.js";

const planId = z.string().min(1).describe("The plan_id that plan_create returned.");

export const planStatus = defineTool({
  name: "plan_status",
  description:
    "State and progress of a plan: steps, timing, the newest files, sse_url while it runs, error when it failed.",
  inputSchema: z.object({ plan_id: planId }),
  annotations: { readOnlyHint: true, idempotentHint: true },
  free: false,
  handler(args, context) {
    const plan = context.store.get(args.plan_id);
    if (!plan) throw planNotFound(args.plan_id);
    return statusView(plan, context.clock.now(), context.caller.baseUrl);
  },
});

export const planFileInfo = defineTool({
  name: "plan_file_info",
  description:
    "Where to download a finished plan's report (HTML) or zip: a signed download_url valid for 15 minutes, with sha256 and size.",
  inputSchema: z.object({
    plan_id: planId,
    artifact: z.enum(["report", "zip"]).default("report"),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true },
  free: false,
  handler(args, context) {
    const plan = context.store.get(args.plan_id);
    if (!plan) throw planNotFound(args.plan_id);
    if (plan.state === "failed") {
      throw new ToolFailure(
        "generation_failed",
        plan.error?.message ?? "Plan generation failed.",
        plan.error ? { failure_reason: plan.error.failure_reason } : undefined,
      );
    }
    if (plan.state !== "completed") return { ready: false, reason: plan.state };
    const artifact = buildArtifact(plan, args.artifact as ArtifactKind);
    const expiresAt = context.clock.now() + DOWNLOAD_TTL_MS;
    const token = createDownloadToken(
      context.settings.downloadSecret,
      plan.plan_id,
      artifact.fileName,
      expiresAt,
    );
    return {
      content_type: artifact.contentType,
      sha256: artifact.sha256,
      download_size: artifact.bytes.length,
      download_url: `${context.caller.baseUrl}/download/${plan.plan_id}/${artifact.fileName}?token=${token}`,
      expires_at: isoSeconds(expiresAt),
    };
  },
});

export const planList = defineTool({
  name: "plan_list",
  description: "Your most recent plans, newest first.",
  inputSchema: z.object({
    user_api_key: z.string().optional(),
    limit: z.number().int().min(1).max(50).default(10),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true },
  free: false,
  handler(args, context) {
    const userId = userFor(args.user_api_key, context);
    const mine = context.store
      .list()
      .reverse()
      .filter((plan) => plan.user_id === userId)
      .sort((a, b) => b.created_at - a.created_at);
    const plans = mine.slice(0, args.limit).map(listItem);
    return {
      plans,
      message:
        plans.length === 0 ? "No plans yet." : `Returned ${plans.length} of ${mine.length} plans.`,
    };
  },
});
