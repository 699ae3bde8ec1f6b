import { z } from "zod";
import { type ArtifactKind, buildArtifact } from "../artifacts.js";
import { createDownloadToken, DOWNLOAD_TTL_MS } from "../tokens.js";
import type { PlanRecord } from "../types.js";
import { listItem, pythonIsoformat, statusView } from "../views.js";
import { defineTool, planNotFound, READER_ANNOTATIONS, type ToolContext } from "./context.js";

const planId = z.string().describe("The plan_id that plan_create returned.");

export const planStatus = defineTool({
  name: "plan_status",
  description:
    "State and progress of a plan: steps, timing, the newest files, sse_url while it runs, error when it failed.",
  inputSchema: z.object({ plan_id: planId }),
  annotations: READER_ANNOTATIONS,
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
  annotations: READER_ANNOTATIONS,
  free: false,
  handler(args, context) {
    const plan = context.store.get(args.plan_id);
    if (!plan) throw planNotFound(args.plan_id);
    return args.artifact === "zip" ? zipInfo(plan, context) : reportInfo(plan, context);
  },
});

/** Where the bytes are missing (PlanExe's worker_plan cannot serve them): `isError: false`. */
function contentUnavailable(message: string): Record<string, unknown> {
  return { error: { code: "content_unavailable", message } };
}

/** PlanExe's ready answer: no `ready` key; `expires_at` in Python's `isoformat()`. */
function readyInfo(plan: PlanRecord, kind: ArtifactKind, context: ToolContext) {
  const artifact = buildArtifact(plan, kind);
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
    expires_at: pythonIsoformat(expiresAt),
  };
}

/** The report: by state first, then the bytes. */
function reportInfo(plan: PlanRecord, context: ToolContext): Record<string, unknown> {
  if (plan.state === "pending" || plan.state === "processing")
    return { ready: false, reason: "processing" };
  if (plan.state === "stopped") return { ready: false, reason: "stopped" };
  if (plan.state === "failed") {
    return {
      ready: false,
      reason: "failed",
      error: {
        code: "generation_failed",
        message: plan.error?.message || "Plan generation failed.",
      },
    };
  }
  if (!context.settings.contentAvailable) return contentUnavailable("content_bytes is None");
  return readyInfo(plan, "report", context);
}

/** The zip: ready whenever one exists, whatever the state (a running plan's zip changes). */
function zipInfo(plan: PlanRecord, context: ToolContext): Record<string, unknown> {
  if (plan.files.length > 0 && context.settings.contentAvailable)
    return readyInfo(plan, "zip", context);
  if (plan.state === "pending" || plan.state === "processing")
    return { ready: false, reason: "processing" };
  return contentUnavailable("zip content_bytes is None");
}

export const planList = defineTool({
  name: "plan_list",
  description: "Your most recent plans, newest first.",
  inputSchema: z.object({
    limit: z.number().int().min(1).max(50).default(10),
  }),
  annotations: READER_ANNOTATIONS,
  free: false,
  handler(args, context) {
    // Without a user key (auth off, no key sent) PlanExe lists everyone's plans.
    const userId = context.caller.userId;
    const plans = context.store
      .list()
      .reverse()
      .filter((plan) => userId === "anonymous" || plan.user_id === userId)
      .sort((a, b) => b.created_at - a.created_at)
      .slice(0, args.limit)
      .map(listItem);
    return { plans, message: `Returned ${plans.length} plan(s).` };
  },
});
