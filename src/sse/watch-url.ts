import { unfetchableReason } from "../transport/http/origin.js";

const UUID_ONLY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The absolute stream URL, or a `TypeError` that says how to fix the call. A
 * relative URL is resolved against the page in a browser.
 */
export function resolveWatchUrl(sseUrl: unknown, options: unknown): string {
  if (options instanceof AbortSignal) {
    throw new TypeError(
      "watchPlan: options must be an object. Did you mean `watchPlan(url, { signal })`?",
    );
  }
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError("watchPlan: options must be an object, e.g. `watchPlan(url, { signal })`.");
  }
  if (typeof sseUrl === "string" && UUID_ONLY.test(sseUrl.trim())) {
    throw new TypeError(
      "watchPlan needs the stream URL (`sse_url` from plan_create/plan_status, e.g. " +
        "`https://mcp.planexe.org/sse/plan/<plan_id>`), not a plan id. " +
        "To watch by id, use `client.watch(planId)`.",
    );
  }
  if (typeof sseUrl !== "string" && !(sseUrl instanceof URL)) {
    throw new TypeError("watchPlan: the first argument must be the stream URL (a string or URL).");
  }
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  let url: URL;
  try {
    url = new URL(String(sseUrl), base);
  } catch (cause) {
    throw new TypeError(
      "watchPlan: the stream URL is not a valid absolute URL (pass `sse_url` as the server gave it).",
      { cause },
    );
  }
  // A data: URL would fabricate events; file: and ftp: would be retried to the deadline.
  const unfetchable = unfetchableReason(url);
  if (unfetchable) throw new TypeError(`watchPlan: ${unfetchable}.`);
  return url.toString();
}
