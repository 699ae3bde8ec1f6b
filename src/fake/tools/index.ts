import type { z } from "zod";
import type { ToolOutcome } from "../types.js";
import { examplePlans, examplePrompts, modelProfiles } from "./catalog.js";
import { type ToolContext, type ToolDefinition, ToolFailure } from "./context.js";
import { sendFeedback } from "./feedback.js";
import { planResume, planRetry, planStop } from "./plan-control.js";
import { planCreate } from "./plan-create.js";
import { planFileInfo, planList, planStatus } from "./plan-read.js";
import { validationErrorText } from "./validation-text.js";

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
 * A failure PlanExe's MCP layer (FastMCP) reports as text only. The REST mirror
 * catches the same exception and reports it as `INTERNAL_ERROR` with the same words.
 */
function textOnly(text: string): ToolOutcome {
  return { ok: false, text, error: { code: "INTERNAL_ERROR", message: text } };
}

/**
 * Runs one tool (the contract's, else the world's `extraTools`) as PlanExe's HTTP
 * wrappers do: unknown name → text-only
 * `Unknown tool: X`; arguments that fail the wrapper's signature → text-only
 * `Error executing tool X: N validation error(s) …`; arguments the wrapper does not
 * take are dropped; a handler's refusal → its own code; any other exception → text-only.
 */
export function runTool(name: string, args: unknown, context: ToolContext): ToolOutcome {
  const tool = byName.get(name) ?? context.extraTools?.get(name);
  if (!tool) return textOnly(`Unknown tool: ${name}`);
  const input = args ?? {};
  const parsed = tool.inputSchema.safeParse(input);
  if (!parsed.success) {
    return textOnly(
      `Error executing tool ${name}: ${validationErrorText(name, parsed.error as z.ZodError, input)}`,
    );
  }
  try {
    return { ok: true, result: tool.handler(parsed.data, context) };
  } catch (error) {
    if (error instanceof ToolFailure) return { ok: false, error: error.body };
    return textOnly(
      `Error executing tool ${name}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
