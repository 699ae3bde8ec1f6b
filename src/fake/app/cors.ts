/**
 * PlanExe's CORS, as `mcp_cloud` answers it: Starlette's `CORSMiddleware`
 * (`allow_methods` GET, HEAD, POST, OPTIONS; `allow_headers=["*"]`, so a preflight's
 * requested headers are reflected; no credentials; nothing in
 * `Access-Control-Expose-Headers`) inside PlanExe's own middleware, which adds the
 * same headers to its early answers (401, 403, 429) and to every other answer.
 * A request without `Origin` is not touched.
 */

/** `allow_methods`, as PlanExe lists them. */
const METHODS = "GET, HEAD, POST, OPTIONS";
/** Starlette's default `max_age`: how long a browser may cache a preflight, in seconds. */
const MAX_AGE = "600";

/** The `Access-Control-Allow-Origin` a request from `origin` gets: `*`, the origin itself, or none. */
function allowedOrigin(origin: string, origins: readonly string[]): string | undefined {
  if (origins.includes("*")) return "*";
  return origins.includes(origin) ? origin : undefined;
}

/** True for a CORS preflight (an `OPTIONS` with `Origin` and `Access-Control-Request-Method`). */
export function isPreflight(request: Request): boolean {
  return (
    request.method === "OPTIONS" &&
    request.headers.has("origin") &&
    request.headers.has("access-control-request-method")
  );
}

/** Starlette's preflight answer: 200 `OK`, or 400 `Disallowed CORS origin` / `method`. */
export function preflightResponse(request: Request, origins: readonly string[]): Response {
  const origin = request.headers.get("origin") ?? "";
  const method = request.headers.get("access-control-request-method") ?? "";
  const requested = request.headers.get("access-control-request-headers");
  const allowed = allowedOrigin(origin, origins);
  const headers = new Headers({
    "access-control-allow-methods": METHODS,
    "access-control-max-age": MAX_AGE,
    "content-type": "text/plain; charset=utf-8",
  });
  if (allowed === "*") headers.set("access-control-allow-origin", "*");
  else {
    headers.set("vary", "Origin");
    if (allowed) headers.set("access-control-allow-origin", allowed);
  }
  if (requested !== null) headers.set("access-control-allow-headers", requested);
  const failures = [
    ...(allowed ? [] : ["origin"]),
    ...(METHODS.split(", ").includes(method) ? [] : ["method"]),
  ];
  if (failures.length > 0)
    return new Response(`Disallowed CORS ${failures.join(", ")}`, { status: 400, headers });
  return new Response("OK", { status: 200, headers });
}

/**
 * `response` with PlanExe's CORS headers for `request` (a copy; the body streams
 * through). Unchanged when the request has no `Origin` or the origin is not allowed.
 */
export function withCorsHeaders(
  request: Request,
  response: Response,
  origins: readonly string[],
): Response {
  const origin = request.headers.get("origin");
  const allowed = origin === null ? undefined : allowedOrigin(origin, origins);
  if (!allowed) return response;
  const headers = new Headers(response.headers);
  const setDefault = (name: string, value: string) => {
    if (!headers.has(name)) headers.set(name, value);
  };
  setDefault("access-control-allow-origin", allowed);
  setDefault("access-control-allow-methods", METHODS);
  setDefault(
    "access-control-allow-headers",
    request.headers.get("access-control-request-headers") ?? "*",
  );
  if (allowed !== "*") {
    const vary = headers.get("vary");
    if (!vary) headers.set("vary", "Origin");
    else if (!vary.split(",").some((item) => item.trim() === "Origin"))
      headers.set("vary", `${vary}, Origin`);
  }
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
