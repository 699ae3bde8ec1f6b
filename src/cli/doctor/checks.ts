import { timeoutSignal } from "../../time/clock.js";
import { forEachChunk } from "../../transport/http/each-chunk.js";

/** The most of a body the doctor reads: a healthcheck or tool list is a few KiB. */
const MAX_BODY_BYTES = 1024 * 1024;

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
  const { response, detail } = await timedGet(`${base}/healthcheck`, timeoutMs, signal, (r, s) =>
    readCapped(r, s),
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
  const { response, detail } = await timedGet(`${base}/mcp/tools`, timeoutMs, signal, (r, s) =>
    readCapped(r, s),
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

/**
 * The body as text, but no more than `maxBytes` of it, and no more once `enough`
 * says so (then the body is cancelled): a server sending an endless answer cannot
 * fill the doctor's memory.
 */
export async function readCapped(
  response: Response,
  signal: AbortSignal,
  maxBytes = MAX_BODY_BYTES,
  enough: (text: string) => boolean = () => false,
): Promise<string> {
  if (!response.body) return "";
  const decoder = new TextDecoder();
  const full = new Error("enough");
  let text = "";
  let size = 0;
  try {
    await forEachChunk(
      response.body,
      () => ({ signal, dispose() {} }),
      (chunk) => {
        const room = maxBytes - size;
        size += chunk.byteLength;
        text += decoder.decode(chunk.subarray(0, room), { stream: true });
        if (size >= maxBytes || enough(text)) throw full;
      },
    );
  } catch (error) {
    if (error !== full) throw error;
  }
  return text;
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
