import { SECRET_HEADERS } from "../../errors/secrets.js";

/**
 * Where credentials may go and which URLs are fetched at all: the one place that
 * decides. The API key (`X-API-Key`, `Authorization`) is for the PlanExe server it
 * was configured with; a stream or download URL a server hands out may name any
 * host, so it is fetched without credentials unless it is on that same origin.
 */

/** True when `url` is on the same origin (scheme, host, port) as `base`: only then may credentials go with it. */
export function mayCarryCredentials(url: string | URL, base: string | URL): boolean {
  let origin: string;
  try {
    origin = base instanceof URL ? base.origin : new URL(base).origin;
  } catch {
    return false;
  }
  return isOnOrigin(url, origin);
}

/**
 * True when `url` is on `origin` (a serialized origin, e.g. `https://mcp.planexe.org`).
 * A URL string that starts with the origin and a "/" is on it without being parsed
 * (its authority ends at that "/"): this runs on every request.
 */
export function isOnOrigin(url: string | URL, origin: string): boolean {
  if (url instanceof URL) return url.origin === origin;
  const text = String(url);
  if (text.startsWith(origin) && text[origin.length] === "/") return true;
  try {
    return new URL(text).origin === origin;
  } catch {
    return false;
  }
}

/** Why `url` is not fetched (not http/https, or user info in it), or `undefined` when it may be. */
export function unfetchableReason(url: URL): string | undefined {
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return `only http: and https: URLs are fetched, not ${url.protocol.slice(0, 12)}`;
  if (url.username || url.password)
    return "a URL with user:password@ in it is not fetched (give the key with --api-key-file or PLANEXE_API_KEY instead)";
  return undefined;
}

/**
 * Wraps `fetch` so a request to any origin but `base`'s loses its credential
 * headers, whoever added them.
 */
export function scopeCredentials<
  F extends (input: string | URL | Request, init?: RequestInit) => Promise<Response>,
>(fetch: F, base: URL): F {
  const origin = base.origin;
  const elsewhere = async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(
      init?.headers ?? (input instanceof Request ? input.headers : undefined),
    );
    for (const name of SECRET_HEADERS) headers.delete(name);
    return fetch(input instanceof Request ? new Request(input, { headers }) : input, {
      ...init,
      headers,
    });
  };
  // Not async: the request to the server's own origin (every call) is handed on without an extra promise.
  return ((input: string | URL | Request, init?: RequestInit) =>
    isOnOrigin(input instanceof Request ? input.url : input, origin)
      ? fetch(input, init)
      : elsewhere(input, init)) as F;
}
