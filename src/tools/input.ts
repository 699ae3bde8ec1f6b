import { TOOLS, type ToolName, type ToolParsedInput } from "./schemas/registry.js";

/**
 * Validates the arguments of tool `name` with its schema and fills in the server's
 * defaults. Misuse throws a `TypeError` naming the method and each bad field (never
 * the values, which may be keys).
 */
export function parseInput<N extends ToolName>(
  method: string,
  name: N,
  args: Record<string, unknown>,
): ToolParsedInput<N> {
  const parsed = TOOLS[name].input.safeParse(args);
  if (parsed.success) return parsed.data as ToolParsedInput<N>;
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.join(".") || "arguments"}: ${issue.message}`)
    .join("; ");
  return fail(`${method}: ${problems}`);
}

/** The plan id argument, or a `TypeError` that shows the call to write instead. */
export function requirePlanId(method: string, planId: unknown): string {
  if (typeof planId === "string" && planId.trim() !== "") return planId.trim();
  if (typeof planId === "object" && planId !== null && "plan_id" in planId) {
    return fail(
      `${method}(planId) takes the plan id string, not an object. Did you mean \`client.${method}(plan.plan_id)\`?`,
    );
  }
  return fail(
    `${method}(planId) needs a plan id: the \`plan_id\` string that createPlan returned, e.g. \`client.${method}(plan.plan_id)\` (got ${describe(planId)}).`,
  );
}

/** The options object (or `{}`), or a `TypeError` when something else was passed. */
export function readOptions<T extends object>(
  method: string,
  options: unknown,
  example: string,
): Partial<T> {
  if (options === undefined) return {};
  if (typeof options === "object" && options !== null && !Array.isArray(options))
    return options as Partial<T>;
  return fail(
    `${method}: the last argument is an options object (got ${describe(options)}). Did you mean \`${example}\`?`,
  );
}

/** Copies the defined fields of `source` named in `keys` (so `exactOptionalPropertyTypes` holds). */
export function pick(source: object, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = (source as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return value.trim() === "" ? "an empty string" : "a string";
  return typeof value === "object"
    ? Array.isArray(value)
      ? "an array"
      : "an object"
    : typeof value;
}

function fail(message: string): never {
  throw new TypeError(message);
}
