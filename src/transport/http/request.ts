import { type RpcMessage, readRpcMessages } from "../mcp/jsonrpc.js";

/** A request whose body is buffered once, so every attempt can send it again. */
export interface ReplayableRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  /** The body: the caller's string as it was (immutable, and sent by `fetch` the cheapest way), or a copy of its bytes. */
  readonly body: Uint8Array | string | undefined;
  /** The caller's `redirect` mode. */
  readonly redirect: RequestRedirect;
  /** The caller's signal (from `init` or the `Request`). */
  readonly signal: AbortSignal | undefined;
  /** The rest of the caller's `init` (credentials, cache, an undici `dispatcher`, …), passed on as is. */
  readonly extra: Record<string, unknown>;
  /** The JSON-RPC messages in the body, when it is JSON-RPC (parsed on first use). */
  readonly rpc: RpcMessage[] | undefined;
}

/**
 * True when `request` carries a JSON-RPC message with this `method`. The body is
 * parsed only when its text could name it (the name, or any escape that could spell
 * it, is in it): nearly every request is answered without parsing its body.
 */
export function callsMethod(request: ReplayableRequest, method: string): boolean {
  const { body } = request;
  if (typeof body === "string" && !body.includes(method) && !body.includes("\\")) return false;
  return request.rpc?.some((message) => message.method === method) ?? false;
}

const OWN_KEYS = new Set(["body", "headers", "method", "signal", "redirect", "duplex", "window"]);

/**
 * Reads `(input, init)` the way `fetch` would and buffers the body, so it can be
 * replayed. Rejects like `fetch` on a bad URL or an already aborted signal.
 * The common case (a URL and a string or byte body, as the MCP SDK sends) is read
 * directly, a string body kept as the string; anything else goes through a `Request`, which is slower but exact.
 */
export async function toReplayable(
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<ReplayableRequest> {
  const direct = readDirect(input, init);
  if (direct) return finish(direct.url, direct.method, direct.headers, direct.body, input, init);
  const isStream = typeof ReadableStream !== "undefined" && init?.body instanceof ReadableStream;
  const normalized = new Request(
    input,
    isStream ? ({ ...init, duplex: "half" } as RequestInit) : init,
  );
  const body =
    normalized.body === null ? undefined : new Uint8Array(await normalized.arrayBuffer());
  return finish(
    normalized.url,
    normalized.method,
    new Headers(normalized.headers),
    body,
    input,
    init,
  );
}

/** Methods `fetch` passes on as they are (already upper case; others are normalized or refused by `Request`). */
const PLAIN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]);

/**
 * The URL, method, headers and body of `(input, init)` when they can be read
 * without a `Request` (same result: `fetch`'s `text/plain` default for a string
 * body; a byte body copied, so the caller may reuse its buffer); `undefined` for anything else.
 */
function readDirect(
  input: string | URL | Request,
  init: RequestInit | undefined,
):
  | { url: string; method: string; headers: Headers; body: Uint8Array | string | undefined }
  | undefined {
  if (typeof input !== "string" && !(input instanceof URL)) return undefined;
  const method = init?.method ?? "GET";
  if (!PLAIN_METHODS.has(method)) return undefined;
  const raw = init?.body ?? undefined;
  let body: Uint8Array | string | undefined;
  if (typeof raw === "string") body = raw;
  else if (raw instanceof Uint8Array) body = new Uint8Array(raw);
  else if (raw !== undefined) return undefined;
  if (body !== undefined && (method === "GET" || method === "HEAD")) return undefined;
  let url: URL;
  try {
    url = input instanceof URL ? input : new URL(input);
  } catch {
    return undefined;
  }
  if (url.username !== "" || url.password !== "") return undefined;
  const headers = new Headers(init?.headers);
  if (typeof raw === "string" && !headers.has("content-type"))
    headers.set("content-type", "text/plain;charset=UTF-8");
  return { url: url.href, method, headers, body };
}

function finish(
  url: string,
  method: string,
  headers: Headers,
  body: Uint8Array | string | undefined,
  input: string | URL | Request,
  init: RequestInit | undefined,
): ReplayableRequest {
  const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
  const extra: Record<string, unknown> = {};
  if (init)
    for (const key in init) {
      const value = (init as Record<string, unknown>)[key];
      if (!OWN_KEYS.has(key) && value !== undefined) extra[key] = value;
    }
  let rpc: RpcMessage[] | undefined | null = null;
  return {
    url,
    method,
    headers,
    body,
    redirect: init?.redirect ?? (input instanceof Request ? input.redirect : "follow"),
    signal: signal ?? undefined,
    extra,
    get rpc() {
      if (rpc === null) rpc = readRpcMessages(body);
      return rpc;
    },
  };
}

/**
 * The `RequestInit` of one attempt: the buffered body, a copy of the headers (a
 * `fetch` that adds one must not change what the next attempt sends), manual
 * redirects, the attempt's signal.
 */
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
    init.body = typeof request.body === "string" ? request.body : request.body.slice();
  return init;
}
