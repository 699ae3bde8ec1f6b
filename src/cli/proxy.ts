import type { FetchFunction } from "../transport/fetch-function.js";

type Dispatcher = import("undici").Dispatcher;

/**
 * A `fetch` that honours `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (and their lower-case
 * forms) through undici's `EnvHttpProxyAgent`, or `undefined` when no proxy is set.
 * Node-only: the CLI and the local MCP server use it; the library entry never imports undici.
 */
export function proxyFetch(env: Record<string, string | undefined>): FetchFunction | undefined {
  const httpProxy = env.HTTP_PROXY || env.http_proxy || undefined;
  const httpsProxy = env.HTTPS_PROXY || env.https_proxy || undefined;
  if (!httpProxy && !httpsProxy) return undefined;
  const noProxy = env.NO_PROXY ?? env.no_proxy;
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
    return fetch(input, { ...init, dispatcher: await dispatcher } as RequestInit);
  };
}
