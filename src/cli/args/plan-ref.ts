import { unfetchableReason } from "../../transport/http/origin.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a user can name a plan by: its id, or its progress stream URL. */
export interface PlanRef {
  /** The plan id, when known (always for an id; for a URL, its last path segment when that is a UUID). */
  planId: string | undefined;
  /** The progress stream to watch. */
  sseUrl: string;
  /** The server: `--url` for an id, the stream URL's origin (and path before `/sse/`) for a URL. */
  baseUrl: string;
}

/** True for a PlanExe plan id (a UUID). */
export function isPlanId(text: string): boolean {
  return UUID.test(text);
}

/**
 * Reads `<plan-id | sse-url>`. `undefined` when it is neither a UUID nor an
 * http(s) URL (the caller reports a usage error).
 */
export function parsePlanRef(text: string, baseUrl: string): PlanRef | undefined {
  const value = text.trim();
  if (isPlanId(value)) {
    const base = baseUrl.replace(/\/+$/, "");
    return { planId: value, sseUrl: `${base}/sse/plan/${value}`, baseUrl: base };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (unfetchableReason(url)) return undefined;
  const segments = url.pathname.split("/");
  const last = segments.at(-1) ?? "";
  const sseAt = url.pathname.lastIndexOf("/sse/");
  const prefix = sseAt >= 0 ? url.pathname.slice(0, sseAt) : "";
  return {
    planId: isPlanId(last) ? last : undefined,
    sseUrl: url.toString(),
    baseUrl: `${url.origin}${prefix}`,
  };
}
