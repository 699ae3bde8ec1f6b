import { type ReplayableRequest, secretsOf } from "./request.js";

export type { ReplayableRequest };

/** Query parameters whose values are credentials (a signed download link's `token`, …). */
const SECRET_QUERY_PARAMS = [
  "token",
  "access_token",
  "api_key",
  "apikey",
  "key",
  "signature",
  "sig",
];

/** Everything secret a request carries: its `X-API-Key`, bearer token, and credential query values. */
export function requestSecrets(request: Pick<ReplayableRequest, "url" | "headers">): string[] {
  const secrets = secretsOf(request.headers);
  const { searchParams, username, password } = new URL(request.url);
  for (const name of SECRET_QUERY_PARAMS) {
    const value = searchParams.get(name);
    if (value) secrets.push(value);
  }
  if (username) secrets.push(decodeURIComponent(username));
  if (password) secrets.push(decodeURIComponent(password));
  return secrets;
}
