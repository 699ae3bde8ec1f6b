/**
 * Whether a failed request may have reached the server:
 * - `"no"`: it never left (connection refused, DNS failure, connect timeout), so
 *   sending it again is always safe;
 * - `"maybe"`: it may have been received and acted on (reset, stall, 502/504).
 */
export type Delivery = "no" | "maybe";

/** A transient failure of one attempt, as the retry policy sees it. */
export interface TransientFailure {
  kind: "network" | "timeout" | "status" | "rate-limited";
  delivery: Delivery;
  /** The HTTP status, for `status` and `rate-limited`. */
  status?: number;
  /** The server's `Retry-After`, already parsed and capped, in ms. */
  retryAfterMs?: number;
  /** The original error, for `network` and `timeout`. */
  error?: unknown;
}

/** Error codes (Node, undici) of a request that never reached the server. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CONNECT",
]);

/** Error codes of a connection that broke, possibly after the request was sent. */
const BROKEN_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_ABORTED",
]);

/** How runtimes word a network failure: Node/undici, Chrome and msw, Firefox, Safari. */
const NETWORK_MESSAGE =
  /fetch failed|failed to fetch|networkerror|load failed|network|terminated|socket|other side closed/i;

/** Every `code` on an error, its `cause` chain and an `AggregateError`'s errors. */
function errorCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== "object" || error === null || depth > 5) return [];
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const codes = typeof record.code === "string" ? [record.code] : [];
  codes.push(...errorCodes(record.cause, depth + 1));
  if (Array.isArray(record.errors))
    for (const inner of record.errors) codes.push(...errorCodes(inner, depth + 1));
  return codes;
}

/**
 * Classifies an error thrown by `fetch` (or by reading its body). `undefined`
 * means "not a network failure": the caller rethrows it as is.
 * `fetch` rejects with a `TypeError` on every network failure (Node, browsers, msw's
 * `HttpResponse.error()`); Node adds the socket error as `cause`. Other `TypeError`s
 * (a bad header, a bug) are not retried.
 */
export function classifyNetworkError(error: unknown): TransientFailure | undefined {
  const codes = errorCodes(error);
  const known = codes.some((code) => NOT_SENT_CODES.has(code) || BROKEN_CODES.has(code));
  if (!known && !(error instanceof TypeError && NETWORK_MESSAGE.test(error.message)))
    return undefined;
  const broken = codes.some((code) => BROKEN_CODES.has(code));
  const notSent = codes.length > 0 && !broken && codes.every((code) => NOT_SENT_CODES.has(code));
  return { kind: "network", delivery: notSent ? "no" : "maybe", error };
}

/** HTTP statuses a deploying server or its edge answers with. */
export function isOutageStatus(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

/**
 * The delivery of a request answered with a transient status: 503 and 429 say
 * the server did not act on it (RFC 9110 §15.6.4, RFC 6585 §4); a gateway's 502/504
 * may come after the origin received it.
 */
export function statusDelivery(status: number): Delivery {
  return status === 503 || status === 429 ? "no" : "maybe";
}

/** The MIME essence of a `content-type` (`application/json; charset=utf-8` → `application/json`). */
export function mimeEssence(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** JSON bodies are read inside the attempt (so a stall after the headers is retried). */
export function isJsonType(contentType: string | null): boolean {
  const essence = mimeEssence(contentType);
  return essence === "application/json" || essence.endsWith("+json");
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** A status a `Response` cannot be built with a body for (`new Response(body, { status })` throws). */
export function isNullBodyStatus(status: number): boolean {
  return NULL_BODY_STATUSES.has(status);
}
