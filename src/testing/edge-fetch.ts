import { abortReason } from "../time/clock.js";

/**
 * The edge as a `fetch` function: same origin only, a network fault rejects with
 * `TypeError("fetch failed")`, and the caller's signal aborts like fetch's (before
 * the response: reject; after: the body errors). The server side learns the client
 * left the way a server does: its response body is cancelled.
 */
export function createEdgeFetch(
  origin: string,
  edge: (request: Request) => Promise<Response>,
): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const outer = new Request(input, init);
    const { signal } = outer;
    const target = new URL(outer.url).origin;
    if (target !== origin)
      throw new TypeError(`fetch failed: the PlanExe double serves ${origin} only, not ${target}`);
    if (signal.aborted) throw abortReason(signal);
    // The server gets no signal: a caller's abort reaches it as a cancelled body.
    const request = new Request(outer, { signal: null });
    const pending = edge(request);
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        reject(abortReason(signal));
        pending
          .then(
            (late) => late.body?.cancel(),
            () => {},
          )
          .catch(() => {});
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => {});
    let response: Response;
    try {
      response = await Promise.race([pending, aborted]);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    if (response.type === "error")
      throw new TypeError("fetch failed", { cause: new Error("connection reset by the double") });
    if (!response.body) return response;
    const body = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>(), {
      signal,
    });
    return new Response(body, response);
  };
}
