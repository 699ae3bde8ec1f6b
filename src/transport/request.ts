import { type RpcMessage, readRpcMessages } from "./jsonrpc.js";

/** A request whose body is buffered once, so every attempt can send it again. */
export interface ReplayableRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: Uint8Array | undefined;
  /** The caller's `redirect` mode. */
  readonly redirect: RequestRedirect;
  /** The caller's signal (from `init` or the `Request`). */
  readonly signal: AbortSignal | undefined;
  /** The rest of the caller's `init` (credentials, cache, an undici `dispatcher`, …), passed on as is. */
  readonly extra: Record<string, unknown>;
  /** The JSON-RPC messages in the body, when it is JSON-RPC. */
  readonly rpc: RpcMessage[] | undefined;
}

const OWN_KEYS = new Set(["body", "headers", "method", "signal", "redirect", "duplex", "window"]);

/**
 * Reads `(input, init)` the way `fetch` would and buffers the body, so it can be
 * replayed. Rejects like `fetch` on a bad URL or an already aborted signal.
 */
export async function toReplayable(
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<ReplayableRequest> {
  const isStream = typeof ReadableStream !== "undefined" && init?.body instanceof ReadableStream;
  const normalized = new Request(
    input,
    isStream ? ({ ...init, duplex: "half" } as RequestInit) : init,
  );
  const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
  const body =
    normalized.body === null ? undefined : new Uint8Array(await normalized.arrayBuffer());
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(init ?? {}))
    if (!OWN_KEYS.has(key) && value !== undefined) extra[key] = value;
  return {
    url: normalized.url,
    method: normalized.method,
    headers: new Headers(normalized.headers),
    body,
    redirect: init?.redirect ?? (input instanceof Request ? input.redirect : "follow"),
    signal: signal ?? undefined,
    extra,
    rpc: readRpcMessages(body),
  };
}

/** The `RequestInit` of one attempt: the buffered body, manual redirects, the attempt's signal. */
export function attemptInit(
  request: Pick<ReplayableRequest, "method" | "headers" | "body" | "extra">,
  signal: AbortSignal,
): RequestInit {
  const init: RequestInit = {
    ...request.extra,
    method: request.method,
    headers: new Headers(request.headers),
    redirect: "manual",
    signal,
  };
  if (request.body !== undefined && request.method !== "GET" && request.method !== "HEAD")
    init.body = request.body.slice();
  return init;
}

/** Secret values carried by `headers` (API key, bearer token), so messages can redact them. */
export function secretsOf(headers: Headers): string[] {
  const secrets: string[] = [];
  const apiKey = headers.get("x-api-key");
  if (apiKey) secrets.push(apiKey);
  const authorization = headers.get("authorization");
  if (authorization) {
    secrets.push(authorization);
    const token = authorization.split(/\s+/)[1];
    if (token) secrets.push(token);
  }
  return secrets;
}
