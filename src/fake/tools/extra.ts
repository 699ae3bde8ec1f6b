import type { ToolAnnotations } from "@modelcontextprotocol/server";
import { z } from "zod";
import { defineTool, type ToolDefinition } from "./context.js";

/**
 * A tool the double lists after the contract's, as a newer PlanExe release would:
 * to test a client built without it. It takes any arguments and answers
 * `{ tool, arguments }` (its name and what it got), as `structuredContent`
 * declared by an `outputSchema`, like most of PlanExe's tools.
 */
export interface ExtraToolSpec {
  name: string;
  description: string;
  /** @default {} (no hint: not read-only, not idempotent) */
  annotations?: ToolAnnotations;
  /** Answers without an API key. @default false */
  free?: boolean;
}

const ExtraOutputSchema = z.object({ tool: z.string(), arguments: z.looseObject({}) });

export function extraTool(spec: ExtraToolSpec): ToolDefinition {
  return defineTool({
    name: spec.name,
    description: spec.description,
    inputSchema: z.looseObject({}),
    outputSchema: ExtraOutputSchema,
    annotations: spec.annotations ?? {},
    free: spec.free ?? false,
    handler: (args) => ({ tool: spec.name, arguments: args }),
  });
}
