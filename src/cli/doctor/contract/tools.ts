import type { Tool } from "@modelcontextprotocol/server";
import {
  contractAnnotations,
  contractInputFields,
  isToolName,
  TOOLS,
  type ToolAnnotations,
  type ToolName,
} from "../../../tools/schemas/registry.js";
import { type Difference, differs } from "./difference.js";

/** A tool as a server lists it in `tools/list`. */
export type LiveTool = Pick<Tool, "name" | "annotations" | "inputSchema">;

/** What MCP says a hint is when a server leaves it out. */
const MCP_DEFAULTS: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
};

const HINT_NOTES: Record<keyof ToolAnnotations, string> = {
  readOnlyHint: "hosts and resend rules read it",
  destructiveHint: "hosts ask before calling destructive tools",
  idempotentHint: "hosts and resend rules read it",
  openWorldHint: "hosts show it",
};

/** Tools, annotations and input fields of a live `tools/list` against the contract. */
export function compareTools(live: readonly LiveTool[]): Difference[] {
  const found: Difference[] = [];
  const byName = new Map(live.map((tool) => [tool.name, tool]));
  for (const name of Object.keys(TOOLS) as ToolName[]) {
    const tool = byName.get(name);
    if (!tool) {
      found.push(
        differs(name, "listed", "missing", "breaks", `${TOOLS[name].method}() cannot be called`),
      );
      continue;
    }
    found.push(...compareAnnotations(name, tool), ...compareInputs(name, tool));
  }
  for (const tool of live) {
    if (!isToolName(tool.name))
      found.push(
        differs(tool.name, "(none)", "listed", "info", "not in the contract: no client method"),
      );
  }
  return found;
}

function effective(annotations: LiveTool["annotations"]): ToolAnnotations {
  const hint = (key: keyof ToolAnnotations) =>
    typeof annotations?.[key] === "boolean" ? (annotations[key] as boolean) : MCP_DEFAULTS[key];
  return {
    readOnlyHint: hint("readOnlyHint"),
    destructiveHint: hint("destructiveHint"),
    idempotentHint: hint("idempotentHint"),
    openWorldHint: hint("openWorldHint"),
  };
}

function compareAnnotations(name: ToolName, tool: LiveTool): Difference[] {
  const contract = contractAnnotations(name);
  const server = effective(tool.annotations);
  // The client resends these on its own after a lost answer: the server must say that is safe.
  const resends = TOOLS[name].resend !== "confirm";
  const unsafe = resends && !server.readOnlyHint && !server.idempotentHint;
  const found: Difference[] = [];
  for (const key of Object.keys(contract) as Array<keyof ToolAnnotations>) {
    if (contract[key] === server[key]) continue;
    const given = typeof tool.annotations?.[key] === "boolean";
    const breaks = unsafe && (key === "readOnlyHint" || key === "idempotentHint");
    found.push(
      differs(
        `${name} ${key}`,
        contract[key],
        given ? server[key] : `(unset: ${server[key]})`,
        breaks ? "breaks" : "info",
        breaks
          ? "the client resends it after a lost answer; the server says repeating it is not safe"
          : HINT_NOTES[key],
      ),
    );
  }
  return found;
}

function compareInputs(name: ToolName, tool: LiveTool): Difference[] {
  const properties = tool.inputSchema?.properties;
  if (!properties) return [];
  const required = new Set(tool.inputSchema?.required ?? []);
  const client = new Map(contractInputFields(name).map((field) => [field.name, field]));
  const found: Difference[] = [];
  for (const field of Object.keys(properties)) {
    const mine = client.get(field);
    if (required.has(field) && !mine?.sent)
      found.push(
        differs(
          `${name}.${field}`,
          mine ? "optional" : "(none)",
          "required",
          "breaks",
          mine
            ? `calls of ${TOOLS[name].method}() without ${field} are refused`
            : `the client never sends ${field}: every call is refused`,
        ),
      );
    else if (!mine)
      found.push(
        differs(`${name}.${field}`, "(none)", "optional", "info", "the client cannot send it"),
      );
  }
  for (const field of client.values()) {
    if (Object.hasOwn(properties, field.name)) continue;
    found.push(
      differs(
        `${name}.${field.name}`,
        field.required ? "required" : "optional",
        "(none)",
        field.required ? "breaks" : "info",
        "the server drops it unread",
      ),
    );
  }
  return found;
}
