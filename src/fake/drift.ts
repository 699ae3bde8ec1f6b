import { z } from "zod";
import type { ToolDefinition } from "./tools/index.js";

/**
 * How a double lists PlanExe's tools differently from PlanExe, to test drift
 * checks (`planexe-client doctor --contract`) against a server that moved on.
 * Only the listing changes (`tools/list`, `GET /mcp/tools`, and so what an MCP call
 * is checked against); the tools behave as before.
 *
 * @example
 * createPlanExeDouble({ drift: { removeTools: ["plan_stop"], renameInputs: { plan_status: { plan_id: "id" } } } })
 */
export interface ContractDrift {
  /** Tools left out of the list (an MCP call of one answers as an unknown tool). @default [] */
  removeTools?: readonly string[];
  /** Annotations set per tool, over the tool's own: `{ plan_stop: { destructiveHint: false } }`. @default {} */
  annotations?: Readonly<Record<string, Readonly<Record<string, boolean>>>>;
  /** Input fields renamed per tool: `{ plan_status: { plan_id: "id" } }`. @default {} */
  renameInputs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** `tools` as a server that drifted this way lists them. */
export function applyDrift(
  tools: readonly ToolDefinition[],
  drift: ContractDrift | undefined,
): readonly ToolDefinition[] {
  if (!drift) return tools;
  const removed = new Set(drift.removeTools ?? []);
  return tools
    .filter((tool) => !removed.has(tool.name))
    .map((tool) => {
      const annotations = drift.annotations?.[tool.name];
      const renames = drift.renameInputs?.[tool.name];
      if (!annotations && !renames) return tool;
      const shape = Object.entries(tool.inputSchema.shape).map(
        ([field, schema]) => [renames?.[field] ?? field, schema] as const,
      );
      return {
        ...tool,
        annotations: { ...tool.annotations, ...annotations },
        inputSchema: renames ? z.object(Object.fromEntries(shape)) : tool.inputSchema,
      };
    });
}
