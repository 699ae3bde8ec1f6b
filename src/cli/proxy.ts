import { ErrorCode, TransportError } from "../errors/index.js";
import type { FetchFunction } from "../transport/http/fetch-function.js";

type Dispatcher = import("undici").Dispatcher;

/** Socket errors that mean "nothing answered at that address". */
const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/**
 * A `fetch` that honours `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (and their lower-case
 * forms) through undici's `EnvHttpProxyAgent`, or `undefined` when no proxy is set.
 * Node-only: the CLI and the local MCP server use it; the library entry never imports undici.
 * When the proxy itself cannot be reached, the request fails at once with a
 * `TransportError` `NETWORK_ERROR` that names the proxy (its URL without credentials,
 * in the message and `details.proxy`), not PlanExe: PlanExe was never asked.
 *
 * The dispatcher goes to Node's built-in `fetch`, whose own undici differs by Node
 * version (6 in Node 22, 7 in 24, 8 in 26): undici 7's dispatchers speak both handler
 * interfaces and work with all three; undici 6's are refused by Node 26 and undici 8's
 * by Nodes 22 and 24. Keep the `undici` dependency at 7 until Node 22 and 24 are gone.
 */
export function proxyFetch(env: Record<string, string | undefined>): FetchFunction | undefined {
  const httpProxy = env.HTTP_PROXY || env.http_proxy || undefined;
  const httpsProxy = env.HTTPS_PROXY || env.https_proxy || undefined;
  if (!httpProxy && !httpsProxy) return undefined;
  const noProxy = env.NO_PROXY ?? env.no_proxy;
  const proxies = [
    ...(httpProxy ? [{ url: httpProxy, name: "HTTP_PROXY" }] : []),
    ...(httpsProxy ? [{ url: httpsProxy, name: "HTTPS_PROXY" }] : []),
  ];
  let dispatcher: Promise<Dispatcher> | undefined;
  return async (input, init) => {
    // Loaded on first use, so commands without a proxy start as fast as before.
    dispatcher ??= import("undici").then(
      ({ EnvHttpProxyAgent }) =>
        new EnvHttpProxyAgent({
          ...(httpProxy && { httpProxy }),
          ...(httpsProxy && { httpsProxy }),
          noProxy: noProxy ?? "",
        }),
    );
    try {
      return await fetch(input, { ...init, dispatcher: await dispatcher } as RequestInit);
    } catch (error) {
      throw proxyRefusal(error, proxies) ?? error;
    }
  };
}

/** The proxy's own failure, when `error` is about connecting to one of `proxies`. */
function proxyRefusal(
  error: unknown,
  proxies: readonly { url: string; name: string }[],
): TransportError | undefined {
  const socket = socketError(error);
  if (!socket) return undefined;
  for (const proxy of proxies) {
    let url: URL;
    try {
      url = new URL(proxy.url);
    } catch {
      continue;
    }
    const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const sameHost = socket.address === host || socket.hostname === host;
    if (!sameHost || (socket.port !== undefined && socket.port !== port)) continue;
    // Never the user info: a proxy URL often carries its password.
    const shown = `${url.protocol}//${url.host}`;
    return new TransportError(
      ErrorCode.NETWORK_ERROR,
      `the proxy ${shown} (${proxy.name}) refused the connection (${socket.code}); PlanExe was not reached. Check the proxy, or NO_PROXY`,
      { cause: error, details: { proxy: shown, delivery: "no" } },
    );
  }
  return undefined;
}

interface SocketError {
  code: string;
  address?: string;
  hostname?: string;
  port?: number;
}

/** The socket error under `fetch`'s `TypeError`, when it is a failure to connect. */
function socketError(error: unknown, depth = 0): SocketError | undefined {
  if (typeof error !== "object" || error === null || depth > 4) return undefined;
  const record = error as Partial<SocketError> & { cause?: unknown; errors?: unknown };
  if (typeof record.code === "string" && CONNECT_CODES.has(record.code))
    return record as SocketError;
  if (Array.isArray(record.errors))
    for (const inner of record.errors) {
      const found = socketError(inner, depth + 1);
      if (found) return found;
    }
  return socketError(record.cause, depth + 1);
}
