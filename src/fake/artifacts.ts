import { createHash } from "node:crypto";
import { PLAN_STEPS } from "./steps.js";
import type { PlanRecord } from "./types.js";
import { createZip } from "./zip.js";

/** The two downloadable artifacts of a completed plan. */
export type ArtifactKind = "report" | "zip";

/** The bytes of one artifact and what `plan_file_info` says about them. */
export interface Artifact {
  fileName: "report.html" | "run.zip";
  contentType: string;
  bytes: Uint8Array;
  sha256: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Derived from the plan row alone, so every replica serves the same bytes for the same run. */
function reportHtml(plan: PlanRecord): string {
  const steps = PLAN_STEPS.map((step) => `<li>${step}</li>`).join("");
  return [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><title>PlanExe report ${plan.plan_id}</title></head>`,
    `<body><h1>Plan ${plan.plan_id}</h1>`,
    `<p>Model profile: ${plan.model_profile}. Run ${plan.run}.</p>`,
    `<pre>${escapeHtml(plan.prompt)}</pre><ol>${steps}</ol></body></html>`,
  ].join("\n");
}

/**
 * The artifact of a plan: the report of a completed plan, or the zip of the files
 * written so far (PlanExe serves a zip whenever one exists, whatever the state).
 * Callers check the state first.
 */
export function buildArtifact(plan: PlanRecord, kind: ArtifactKind): Artifact {
  const encoder = new TextEncoder();
  const html = encoder.encode(reportHtml(plan));
  const bytes =
    kind === "report"
      ? html
      : createZip([
          ...plan.files.map((file) => ({
            name: `${plan.plan_id}/${file.path}`,
            data: encoder.encode(`# ${file.path}\n\n${plan.prompt}\n`),
          })),
          ...(plan.state === "completed"
            ? [{ name: `${plan.plan_id}/report.html`, data: html }]
            : []),
        ]);
  return {
    fileName: kind === "report" ? "report.html" : "run.zip",
    contentType: kind === "report" ? "text/html; charset=utf-8" : "application/zip",
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}
