import type { z } from "zod";

/** A Python `repr` of a JSON value, as pydantic prints `input_value`. */
function pyRepr(value: unknown): string {
  if (value === undefined) return "{}";
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (typeof value === "object")
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${pyRepr(key)}: ${pyRepr(item)}`)
      .join(", ")}}`;
  return String(value);
}

function pyType(value: unknown): string {
  if (value === null) return "NoneType";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (Array.isArray(value)) return "list";
  return "dict";
}

/** pydantic's wording and error type for one zod issue. */
function describe(issue: z.core.$ZodIssue, value: unknown): { text: string; type: string } {
  if (issue.code === "invalid_type") {
    if (value === undefined) return { text: "Field required", type: "missing" };
    const expected = String(issue.expected);
    if (expected === "string")
      return { text: "Input should be a valid string", type: "string_type" };
    if (expected === "int" || expected === "number")
      return { text: "Input should be a valid integer", type: "int_type" };
    return { text: `Input should be a valid ${expected}`, type: `${expected}_type` };
  }
  if (issue.code === "invalid_value") {
    const options = issue.values.map((option) => `'${String(option)}'`);
    const last = options.pop();
    const list = options.length > 0 ? `${options.join(", ")} or ${last}` : String(last);
    return { text: `Input should be ${list}`, type: "literal_error" };
  }
  if (issue.code === "too_small")
    return {
      text: `Input should be greater than or equal to ${String(issue.minimum)}`,
      type: "greater_than_equal",
    };
  if (issue.code === "too_big")
    return {
      text: `Input should be less than or equal to ${String(issue.maximum)}`,
      type: "less_than_equal",
    };
  return { text: issue.message, type: "value_error" };
}

/**
 * The text of a pydantic `ValidationError` for a FastMCP tool's arguments model
 * (`<tool>Arguments`), e.g. `1 validation error for plan_statusArguments\nplan_id\n  Field required [type=missing, input_value={}, input_type=dict]`.
 */
export function validationErrorText(tool: string, error: z.ZodError, input: unknown): string {
  const issues = error.issues;
  const lines = [
    `${issues.length} validation error${issues.length === 1 ? "" : "s"} for ${tool}Arguments`,
  ];
  for (const issue of issues) {
    const path = issue.path.map(String);
    let value: unknown = input;
    for (const key of path)
      value =
        value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
    const { text, type } = describe(issue, value);
    const shown = value === undefined ? input : value;
    lines.push(path.join(".") || "(root)");
    lines.push(
      `  ${text} [type=${type}, input_value=${pyRepr(shown)}, input_type=${pyType(shown)}]`,
    );
    lines.push(`    For further information visit https://errors.pydantic.dev/2.12/v/${type}`);
  }
  return lines.join("\n");
}
