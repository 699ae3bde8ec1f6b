import type { ToolOutcome } from "../types.js";
import { examplePlans, examplePrompts, modelProfiles } from "./catalog.js";
import { type ToolContext, type ToolDefinition, ToolFailure } from "./context.js";
import { sendFeedback } from "./feedback.js";
import { planResume, planRetry, planStop } from "./plan-control.js";
import { planCreate } from "./plan-create.js";
import { planFileInfo, planList, planStatus } from "./plan-read.js";

export type { ToolContext, ToolDefinition, ToolSettings } from "./context.js";

/** Every tool of the PlanExe contract, in the order the server lists them. */
export const PLANEXE_TOOLS: readonly ToolDefinition[] = [
  planCreate,
  planStatus,
  planStop,
  planRetry,
  planResume,
  planFileInfo,
  planList,
  examplePrompts,
  examplePlans,
  modelProfiles,
  sendFeedback,
];

const byName = new Map(PLANEXE_TOOLS.map((tool) => [tool.name, tool]));

/**
 * Runs one tool (the contract's, else the world's `extraTools`): unknown name → `INVALID_TOOL`, arguments that fail the schema →
 * `INVALID_ARGUMENTS` (with the zod issues), refusals → their own code.
 */
export function runTool(name: string, args: unknown, context: ToolContext): ToolOutcome {
  const tool = byName.get(name) ?? context.extraTools?.get(name);
  if (!tool) {
    return { ok: false, error: { code: "INVALID_TOOL", message: `Unknown tool: ${name}` } };
  }
  const parsed = tool.inputSchema.safeParse(args ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.join("."),
      message: issue.message,
    }));
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    return {
      ok: false,
      error: {
        code: "INVALID_ARGUMENTS",
        message: `Invalid arguments for ${name}: ${summary}`,
        details: { issues },
      },
    };
  }
  try {
    return { ok: true, result: tool.handler(parsed.data, context) };
  } catch (error) {
    if (error instanceof ToolFailure) return { ok: false, error: error.body };
    return {
      ok: false,
      error: { code: "INTERNAL_ERROR", message: "Internal error while running the tool." },
    };
  }
}
