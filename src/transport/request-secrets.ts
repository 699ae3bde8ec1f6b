import { SECRET_QUERY_PARAMS } from "../errors/scrub.js";
import type { ReplayableRequest } from "./request.js";

/** Everything secret a request carries: its `X-API-Key`, bearer token, credential query values and URL user info. */
export function requestSecrets(request: Pick<ReplayableRequest, "url" | "headers">): string[] {
  const secrets: string[] = [];
  const apiKey = request.headers.get("x-api-key");
  if (apiKey) secrets.push(apiKey);
  const authorization = request.headers.get("authorization");
  if (authorization) {
    secrets.push(authorization);
    const token = authorization.split(/\s+/)[1];
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
