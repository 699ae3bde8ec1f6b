import { KEY_HEADERS, KEY_QUERY_PARAMS } from "../../errors/secrets.js";

/**
 * Who a request counts against in PlanExe's rate limit (`_client_identifier` in its
 * `middleware.py`): the API key the request carries — `Authorization` (any scheme),
 * else `X-API-Key` / `API-Key` / `API_KEY` / `X_API_KEY`, else the `X-API-Key` /
 * `api_key` / `api-key` query value — and without one, the caller's address (the
 * same for every keyless request of a process). Downloads (`/download/…`, 10 a minute)
 * are a budget of their own. So a 429 holds only the calls that spend the same budget.
 * Returned as a short hash: the key itself is never kept.
 */
export function rateLimitIdentity(request: { url: string; headers: Headers }): string {
  const key = keyOf(request);
  const who = key === undefined ? "address" : `key:${hash(key)}`;
  return isDownload(request.url) ? `${who} download` : who;
}

function isDownload(url: string): boolean {
  try {
    return new URL(url).pathname.startsWith("/download/");
  } catch {
    return false;
  }
}

function keyOf(request: { url: string; headers: Headers }): string | undefined {
  for (const name of KEY_HEADERS) {
    const key = normalize(request.headers.get(name));
    if (key) return key;
  }
  if (!request.url.includes("?")) return undefined;
  const query = new URL(request.url).searchParams;
  for (const name of KEY_QUERY_PARAMS) {
    const key = normalize(query.get(name));
    if (key) return key;
  }
  return undefined;
}

/** The key as PlanExe reads it: `Bearer pex_…`, `Token pex_…` and `"pex_…"` are all `pex_…`. */
function normalize(value: string | null): string | undefined {
  let text = value?.trim();
  if (!text) return undefined;
  const space = text.lastIndexOf(" ");
  if (space >= 0) text = text.slice(space + 1);
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.at(-1) === text[0])
    text = text.slice(1, -1).trim();
  return text || undefined;
}

/** Two 32-bit FNV-1a hashes with different seeds: enough to tell a process's keys apart. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x01000193);
  }
  return (a >>> 0).toString(16) + (b >>> 0).toString(16);
}
