import { createManualClock, type ManualClock } from "../../src/testing/manual-clock.js";

/** One request an injected fetch received. */
export interface Seen {
  method: string;
  url: string;
  path: string;
  headers: Headers;
  body: string;
  at: number;
}

export type Reply = (request: Seen, index: number) => Response | Promise<Response>;

/**
 * An injected inner fetch that answers with real `Response` objects and logs
 * every request it receives (with the virtual time it arrived).
 */
export function scriptedFetch(clock: ManualClock, reply: Reply) {
  const seen: Seen[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const entry: Seen = {
      method: request.method,
      url: request.url,
      path: new URL(request.url).pathname,
      headers: request.headers,
      body: request.body ? await request.text() : "",
      at: clock.now(),
    };
    seen.push(entry);
    return reply(entry, seen.length - 1);
  };
  return { fetch, seen, count: (path: string) => seen.filter((s) => s.path === path).length };
}

export const json = (value: unknown, init: ResponseInit = {}) => Response.json(value, init);

export const badGateway = () =>
  new Response("<html><body><h1>502 Bad Gateway</h1></body></html>", {
    status: 502,
    headers: { "content-type": "text/html" },
  });

export const rpc = (method: string, params?: Record<string, unknown>, id = 1) =>
  JSON.stringify({ jsonrpc: "2.0", id, method, ...(params && { params }) });

export const rpcInit = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    ...headers,
  },
  body,
});

export { createManualClock };
