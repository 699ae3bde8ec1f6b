import { timeoutSignal } from "../../transport/clock.js";

/** The outcome of one after-deploy check. */
export interface CheckResult {
  name: string;
  status: "ok" | "fail" | "skip";
  detail: string;
  /** Extra lines (the stuck plans). */
  lines?: string[];
}

/** A GET with a deadline, through plain `fetch`: the doctor reports a down server, it does not wait it out. */
export async function timedGet(
  url: string,
  timeoutMs: number,
  parent: AbortSignal,
  read: (response: Response, signal: AbortSignal) => Promise<string>,
): Promise<{ response: Response; detail: string }> {
  const { signal, dispose } = timeoutSignal(timeoutMs, { parent });
  try {
    const response = await fetch(url, { signal, redirect: "manual" });
    return { response, detail: await read(response, signal) };
  } finally {
    dispose();
  }
}

/** `GET /healthcheck` answers 200 with `status` healthy/ok. */
export async function checkHealth(base: string, timeoutMs: number, signal: AbortSignal) {
  const name = "healthcheck";
  const { response, detail } = await timedGet(`${base}/healthcheck`, timeoutMs, signal, (r) =>
    r.text(),
  );
  if (response.status !== 200)
    return fail(name, `HTTP ${response.status} from /healthcheck${htmlHint(response)}`);
  const body = parseJson(detail) as { status?: unknown; authentication_required?: unknown };
  if (body?.status !== "healthy" && body?.status !== "ok")
    return fail(name, `unexpected body: ${detail.slice(0, 80)}`);
  const auth =
    typeof body.authentication_required === "boolean"
      ? body.authentication_required
        ? " (API key required)"
        : " (no API key required)"
      : "";
  return ok(name, `status ${String(body.status)}${auth}`);
}

/** `GET /mcp/tools` serves a non-empty tool list. */
export async function checkTools(base: string, timeoutMs: number, signal: AbortSignal) {
  const name = "tool list";
  const { response, detail } = await timedGet(`${base}/mcp/tools`, timeoutMs, signal, (r) =>
    r.text(),
  );
  if (response.status !== 200)
    return fail(name, `HTTP ${response.status} from /mcp/tools${htmlHint(response)}`);
  const tools = (parseJson(detail) as { tools?: Array<{ name?: unknown }> } | undefined)?.tools;
  if (!Array.isArray(tools) || tools.length === 0)
    return fail(name, "/mcp/tools answered no tool list");
  const names = tools.map((tool) => String(tool.name));
  const missing = ["plan_create", "plan_status"].filter((tool) => !names.includes(tool));
  if (missing.length > 0) return fail(name, `${tools.length} tools, missing ${missing.join(", ")}`);
  return ok(name, `${tools.length} tools on /mcp/tools`);
}

export function ok(name: string, detail: string, lines?: string[]): CheckResult {
  return lines ? { name, status: "ok", detail, lines } : { name, status: "ok", detail };
}

export function fail(name: string, detail: string): CheckResult {
  return { name, status: "fail", detail };
}

function htmlHint(response: Response): string {
  return (response.headers.get("content-type") ?? "").includes("text/html")
    ? " (an HTML page: a deploy in progress, or no healthy replica)"
    : "";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
