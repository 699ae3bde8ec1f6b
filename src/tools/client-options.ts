import { unfetchableReason } from "../transport/http/origin.js";
import type { PlanExeClientOptions } from "./options.js";

/**
 * The base URL (normalised to end in `/`, without `/mcp`, query or hash) and the key,
 * or a `TypeError` that shows the call to write instead.
 */
export function checkClientOptions(options: PlanExeClientOptions): {
  baseUrl: URL;
  apiKey: string | undefined;
} {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      'new PlanExeClient(options) needs an options object, e.g. `new PlanExeClient({ baseUrl: "https://mcp.planexe.org", apiKey })`',
    );
  }
  let baseUrl: URL;
  try {
    baseUrl = new URL(String(options.baseUrl));
  } catch {
    throw new TypeError(
      'new PlanExeClient({ baseUrl }) needs the server\'s URL, e.g. "https://mcp.planexe.org" or "http://localhost:8001"',
    );
  }
  const unfetchable = unfetchableReason(baseUrl);
  if (unfetchable) throw new TypeError(`new PlanExeClient({ baseUrl }): ${unfetchable}`);
  // Accept ".../mcp" too: the client adds "/mcp" itself.
  baseUrl.pathname = `${baseUrl.pathname.replace(/\/+$/, "").replace(/\/mcp$/, "")}/`;
  baseUrl.search = "";
  baseUrl.hash = "";
  const { apiKey } = options;
  if (apiKey !== undefined && (typeof apiKey !== "string" || apiKey.trim() === ""))
    throw new TypeError(
      "PlanExeClient apiKey must be a non-empty string (a `pex_…` key) or left out",
    );
  return { baseUrl, apiKey };
}
