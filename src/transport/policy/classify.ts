import type { Delivery, FailureKind } from "./failure-kind.js";
import type { StatusFailureKind } from "./statuses.js";

/** A transient failure of one attempt, as the retry policy sees it. */
export interface TransientFailure {
  kind: Extract<FailureKind, "network" | "timeout"> | StatusFailureKind;
  delivery: Delivery;
  /** The HTTP status, for a failure that is an answer. */
  status?: number;
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
