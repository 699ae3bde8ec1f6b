import { KEY_HEADERS, SECRET_QUERY_PARAMS } from "../../errors/secrets.js";
import type { ReplayableRequest } from "./request.js";

/** Everything secret a request carries: each header PlanExe reads a key from (and a scheme's token), credential query values and URL user info. */
export function requestSecrets(request: Pick<ReplayableRequest, "url" | "headers">): string[] {
  const secrets: string[] = [];
  for (const name of KEY_HEADERS) {
    const value = request.headers.get(name);
    if (!value) continue;
    secrets.push(value);
    const token = value.split(/\s+/)[1];
    if (token) secrets.push(token);
  }
  // Only a query or user info can hold more (most requests have neither: no URL to parse).
  if (!request.url.includes("?") && !request.url.includes("@")) return secrets;
  const { searchParams, username, password } = new URL(request.url);
  for (const name of SECRET_QUERY_PARAMS) {
    const value = searchParams.get(name);
    if (value) secrets.push(value);
  }
  if (username) secrets.push(decodeURIComponent(username));
  if (password) secrets.push(decodeURIComponent(password));
  return secrets;
}
