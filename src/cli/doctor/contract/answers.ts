import type { PlanExeClient } from "../../../client.js";
import { isPlanExeError } from "../../../errors/index.js";
import { TOOLS, type ToolName } from "../../../tools/schemas/registry.js";
import { readCapped, timedGet } from "../checks.js";
import { type Difference, differs } from "./difference.js";

type Caller = (options: { signal: AbortSignal }) => Promise<unknown>;

/**
 * One answer of each free tool, through `client` (so parsed with the client's own
 * schemas): an answer they refuse, or no answer, breaks the client.
 */
export async function compareFreeAnswers(
  client: PlanExeClient,
  signal: AbortSignal,
): Promise<{ checked: number; found: Difference[] }> {
  const free = (Object.keys(TOOLS) as ToolName[]).filter((name) => TOOLS[name].free);
  const found: Difference[] = [];
  for (const name of free) {
    const method = TOOLS[name].method;
    const call = (client as unknown as Record<string, Caller>)[method]?.bind(client);
    try {
      await call?.({ signal });
    } catch (error) {
      if (signal.aborted) throw error;
      const code = isPlanExeError(error) ? error.code : "ERROR";
      const message = error instanceof Error ? error.message : String(error);
      found.push(
        differs(
          `${name} answer`,
          "parses",
          code === "INVALID_RESPONSE" ? "does not parse" : code,
          "breaks",
          `${method}() fails: ${message}`,
        ),
      );
    }
  }
  return { checked: free.length, found };
}

/** `GET /healthcheck` → `{status: "healthy", service: "planexe-mcp-cloud", authentication_required}`. */
export async function compareHealthcheck(
  base: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ authRequired: boolean | undefined; found: Difference[] }> {
  const { response, detail } = await timedGet(`${base}/healthcheck`, timeoutMs, signal, readCapped);
  if (response.status !== 200)
    return {
      authRequired: undefined,
      found: [
        differs(
          "/healthcheck",
          "200",
          response.status,
          "breaks",
          "the client waits out an outage until it answers",
        ),
      ],
    };
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(detail) as Record<string, unknown>;
  } catch {
    // Not JSON: every field below shows as missing.
  }
  const found: Difference[] = [];
  const field = (name: string, expected: unknown, ok: boolean) => {
    if (!ok)
      found.push(differs(`/healthcheck ${name}`, expected, body[name], "info", "shown by doctor"));
  };
  field("status", "healthy", body.status === "healthy");
  field("service", "planexe-mcp-cloud", body.service === "planexe-mcp-cloud");
  field("authentication_required", "true|false", typeof body.authentication_required === "boolean");
  const auth = body.authentication_required;
  return { authRequired: typeof auth === "boolean" ? auth : undefined, found };
}
