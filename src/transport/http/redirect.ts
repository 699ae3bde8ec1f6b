import { ErrorCode } from "../../errors/codes.js";
import { redactUrl } from "../../errors/redact.js";
import { SECRET_HEADERS } from "../../errors/secrets.js";
import { type RequestContext, transportError } from "../policy/failure.js";
import type { FetchFunction } from "./fetch-function.js";
import { attemptInit, type ReplayableRequest } from "./request.js";

const finalErrors = new WeakSet<object>();

/** True for an error that ends the request as `fetch` would (not a network failure to retry). */
export function isFinalError(error: unknown): boolean {
  return typeof error === "object" && error !== null && finalErrors.has(error);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Options of {@link fetchWithRedirects}. */
export interface RedirectOptions {
  /** Most redirects followed for one request. @default 5 */
  maxRedirects?: number;
  /** Follow a redirect to another origin, without the secret headers. @default false */
  followCrossOriginRedirects?: boolean;
  secrets: readonly string[];
}

/**
 * Same scheme, host and port — or the `https` form of an `http` origin on default
 * ports (an upgrade never leaks the key to another host).
 */
function isSameOrigin(from: URL, to: URL): boolean {
  if (from.protocol === to.protocol && from.host === to.host) return true;
  return (
    from.hostname === to.hostname &&
    from.protocol === "http:" &&
    to.protocol === "https:" &&
    from.port === "" &&
    to.port === ""
  );
}

/**
 * Sends `request` through `inner` with `redirect: "manual"` and follows redirects
 * itself: Node's built-in fetch would carry `X-API-Key` to any origin a server
 * redirects to. Same-origin redirects are followed (up to `maxRedirects`); one to
 * another origin throws `CROSS_ORIGIN_REDIRECT`, or with `followCrossOriginRedirects`
 * is followed without `X-API-Key`, `Authorization` and cookies.
 * A caller's `redirect: "manual"` gets the redirect response as is.
 */
export async function fetchWithRedirects(
  inner: FetchFunction,
  request: ReplayableRequest,
  signal: AbortSignal,
  options: RedirectOptions,
): Promise<Response> {
  const maxRedirects = options.maxRedirects ?? 5;
  const context: RequestContext = {
    method: request.method,
    url: request.url,
    secrets: options.secrets,
  };
  let hop: Hop = {
    url: request.url,
    method: request.method,
    headers: request.headers,
    body: request.body,
  };
  for (let followed = 0; ; followed++) {
    const response = await inner(hop.url, attemptInit({ ...hop, extra: request.extra }, signal));
    if (response.type === "opaqueredirect" && request.redirect !== "manual")
      throw transportError(
        ErrorCode.HTTP_ERROR,
        "redirect not followed: this runtime hides the redirect target, so it cannot be checked to be the same origin",
        context,
        {},
      );
    const location = REDIRECTS.has(response.status) ? response.headers.get("location") : null;
    if (location === null || request.redirect === "manual") return response;
    await response.body?.cancel().catch(() => {});
    if (request.redirect === "error") throw redirectModeError(response.status);
    const target = redirectTarget(location, hop.url, response.status, context);
    if (followed >= maxRedirects)
      throw transportError(ErrorCode.HTTP_ERROR, `more than ${maxRedirects} redirects`, context, {
        status: response.status,
      });
    hop = nextHop(hop, target, response.status, options, context);
  }
}

/** One request of a redirect chain. */
type Hop = Pick<ReplayableRequest, "url" | "method" | "headers" | "body">;

/** What `fetch` throws for a redirect under `redirect: "error"`: it ends the request, it is not retried. */
function redirectModeError(status: number): TypeError {
  const error = new TypeError(`fetch failed: redirect mode is "error" (HTTP ${status})`);
  finalErrors.add(error);
  return error;
}

/** `location` resolved against the hop that answered it. */
function redirectTarget(
  location: string,
  from: string,
  status: number,
  context: RequestContext,
): URL {
  try {
    return new URL(location, from);
  } catch (cause) {
    throw transportError(ErrorCode.HTTP_ERROR, "redirect to an invalid Location", context, {
      cause,
      status,
    });
  }
}

/** Headers a redirect that turns the request into a GET drops with its body. */
const BODY_HEADERS = [
  "content-type",
  "content-length",
  "content-encoding",
  "content-language",
  "content-location",
];

/**
 * The request sent to `target`: to another origin only with `followCrossOriginRedirects`
 * and without the secret headers; a GET without the body where the status says so
 * (303, or 301/302 after a POST), as browsers do.
 */
function nextHop(
  hop: Hop,
  target: URL,
  status: number,
  options: RedirectOptions,
  context: RequestContext,
): Hop {
  let headers = hop.headers;
  if (!isSameOrigin(new URL(hop.url), target)) {
    if (!options.followCrossOriginRedirects)
      throw transportError(
        ErrorCode.CROSS_ORIGIN_REDIRECT,
        `redirect to another origin (${redactUrl(target.origin)}) not followed, so the API key stays with this server; pass followCrossOriginRedirects to follow it without credentials`,
        context,
        { status },
      );
    headers = without(headers, SECRET_HEADERS);
  }
  const toGet =
    (status === 303 && hop.method !== "HEAD") ||
    ((status === 301 || status === 302) && hop.method === "POST");
  if (toGet) headers = without(headers, BODY_HEADERS);
  return {
    url: target.toString(),
    method: toGet ? "GET" : hop.method,
    headers,
    body: toGet ? undefined : hop.body,
  };
}

/** A copy of `headers` without `names`. */
function without(headers: Hop["headers"], names: Iterable<string>): Headers {
  const copy = new Headers(headers);
  for (const name of names) copy.delete(name);
  return copy;
}
