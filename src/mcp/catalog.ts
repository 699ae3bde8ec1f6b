import type { Tool, ToolAnnotations } from "@modelcontextprotocol/server";
import { z } from "zod";
import { redact } from "../errors/redact.js";
import { contractAnnotations, TOOLS, type ToolName } from "../tools/schemas/registry.js";
import { PLAN_WAIT_DESCRIPTION, PlanWaitInputSchema } from "./plan-wait.js";

/** The local tool this server adds to PlanExe's. */
export const PLAN_WAIT = "plan_wait";

/** What the server says at `initialize` when PlanExe's own instructions are not known. */
const BUILTIN_INSTRUCTIONS =
  "PlanExe turns a prompt into a project plan in 10-20 minutes. Call plan_create, follow the plan with plan_wait (call it again while done is false), then plan_file_info for the report. Calls wait through PlanExe deploys; an error result says when to call again.";

/** What this local server adds after PlanExe's own instructions. */
const LOCAL_GUIDANCE =
  "This connection goes through planexe-client's local MCP server. It adds plan_wait: it follows a plan's progress until it ends or its window passes (call it again while done is false); prefer it over polling plan_status. Calls wait through PlanExe deploys; an error result says when to call again.";

/** Sentences appended to a tool's description, where a model would otherwise poll. */
const PREFER_PLAN_WAIT: Readonly<Record<string, string>> = {
  plan_create: " Then follow it with plan_wait.",
  plan_status: " To follow a running plan, prefer plan_wait.",
};

/** The instructions of the `initialize` answer: PlanExe's own with ours after them, else ours alone. */
export function instructionsWith(planexe: string | undefined): string {
  if (planexe === undefined || planexe.trim() === "") return BUILTIN_INSTRUCTIONS;
  // PlanExe's text reaches the host: no secret in any spelling, no control character.
  return `${redact(planexe.trimEnd(), { controls: true })}\n\n${LOCAL_GUIDANCE}`;
}

function jsonSchema(schema: z.ZodType): Tool["inputSchema"] {
  return z.toJSONSchema(schema, { target: "draft-7", io: "input" }) as Tool["inputSchema"];
}

function withHint(tool: Tool): Tool {
  const hint = PREFER_PLAN_WAIT[tool.name];
  return hint ? { ...tool, description: `${tool.description ?? ""}${hint}` } : tool;
}

const PLAN_WAIT_TOOL: Tool = {
  name: PLAN_WAIT,
  description: PLAN_WAIT_DESCRIPTION,
  inputSchema: jsonSchema(PlanWaitInputSchema),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
};

/** The tools as this package knows them: what the host sees until PlanExe has answered. */
function builtinTools(): Tool[] {
  const names = Object.keys(TOOLS) as ToolName[];
  const known = names.map((name): Tool => {
    const spec = TOOLS[name];
    return withHint({
      name,
      description: spec.description,
      inputSchema: jsonSchema(spec.input),
      annotations: contractAnnotations(name),
    });
  });
  return [...known, PLAN_WAIT_TOOL];
}

function listed(tools: Tool[]): { tools: Tool[]; byName: Map<string, Tool> } {
  return { tools, byName: new Map(tools.map((tool) => [tool.name, tool])) };
}

/**
 * The tools the host is shown: the built-in list until PlanExe's own arrives, then
 * PlanExe's (its names, descriptions, schemas and annotations as it lists them) with
 * `plan_wait` added and a pointer to it appended to two descriptions.
 */
export class ToolCatalog {
  /**
   * The list now, by name too. The built-in one is made on first use: when PlanExe
   * answers within the start wait (the usual case), its JSON schemas are never needed.
   */
  #list: { tools: Tool[]; byName: Map<string, Tool> } | undefined;
  #live = false;

  /** True once PlanExe's own list replaced the built-in one. */
  get live(): boolean {
    return this.#live;
  }

  #current(): { tools: Tool[]; byName: Map<string, Tool> } {
    this.#list ??= listed(builtinTools());
    return this.#list;
  }

  /** The list `tools/list` answers. */
  tools(): Tool[] {
    return this.#current().tools;
  }

  /** The tool as listed now, if it is. */
  find(name: string): Tool | undefined {
    return this.#current().byName.get(name);
  }

  /** Whether a call of `name` may be sent again after its answer was lost (the listed annotations say). */
  resendable(name: string): boolean {
    const hints: ToolAnnotations | undefined = this.find(name)?.annotations;
    return hints?.readOnlyHint === true || hints?.idempotentHint === true;
  }

  /** Replaces the list by PlanExe's `planexe` (a tool of its own named `plan_wait` gives way to ours). */
  goLive(planexe: readonly Tool[]): void {
    // Names, descriptions and schemas are PlanExe's text shown to the host: cleaned as a result is.
    const clean = redact(planexe, { controls: true, keepLinks: true, maxDepth: 64 });
    const theirs = clean.filter((tool) => tool.name !== PLAN_WAIT).map(withHint);
    this.#list = listed([...theirs, PLAN_WAIT_TOOL]);
    this.#live = true;
  }
}
