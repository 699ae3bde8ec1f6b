import { isPlanExeError } from "../errors/planexe-error.js";
import type { FetchFunction } from "../transport/http/fetch-function.js";
import { withBody } from "../transport/http/release-on-end.js";
import { isJsonType } from "../transport/policy/classify.js";

/** The `_meta` key that tags a tool call's JSON-RPC request with its caller's signal; never sent to the server. */
export const CALL_TAG = "planexe-client/call";

/**
 * Lets each tool call's `signal` reach the `fetch` that carries it (the MCP SDK's
 * `Client`, which `PlanExeClient` used before `mcp-http.ts`, only gave `fetch` its
 * transport-wide signal): a call is tagged in `params._meta`, and this wrapper strips
 * the tag and aborts that request's `fetch` with the caller's signal. An untagged
 * request (a call without a signal of its own, `initialize`, …) keeps the connection's
 * signal, which the client's `close()` aborts (the resilient fetch gives that signal
 * room for one listener per request).
 */
export class CallSignals {
  private readonly calls = new Map<string, { signal: AbortSignal; failed: AbortController }>();
  private next = 0;

  /**
   * Registers `signal` for one call; returns the `_meta` to send, a release function
   * and `failed`: a signal for the MCP request that aborts with the typed error a
   * streamed answer of this call failed with (one cut at `maxResponseBytes`), whatever
   * the reader of the answer made of it.
   */
  register(signal: AbortSignal): {
    meta: Record<string, string>;
    failed: AbortSignal;
    release: () => void;
  } {
    const tag = String(++this.next);
    const failed = new AbortController();
    this.calls.set(tag, { signal, failed });
    return {
      meta: { [CALL_TAG]: tag },
      failed: failed.signal,
      release: () => this.calls.delete(tag),
    };
  }

  /** `inner`, with tagged requests untagged and bound to their caller's signal. */
  wrap(inner: FetchFunction): FetchFunction {
    // Not async: an untagged request is handed on without an extra promise.
    return (input, init) => {
      const body = init?.body;
      if (typeof body !== "string" || !body.includes(CALL_TAG)) return inner(input, init);
      const { text, tag } = untag(body);
      const call = tag === undefined ? undefined : this.calls.get(tag);
      // The call's signal alone: the client's close() aborts every call before it closes the
      // connection, so linking the connection-wide signal too would only hang one listener
      // per request on it (Node warns past 10 concurrent calls).
      const sent = inner(input, {
        ...init,
        body: text,
        signal: call?.signal ?? init?.signal ?? null,
      });
      return call ? sent.then((response) => reportBodyFailure(response, call.failed)) : sent;
    };
  }
}

/**
 * `response` with a streamed (not JSON) body watched: when it fails with a typed
 * error, `failed` aborts with it. A JSON answer is already read whole (and bounded)
 * by the transport, so it is handed on untouched.
 */
function reportBodyFailure(response: Response, failed: AbortController): Response {
  const body = response.body;
  if (!body || isJsonType(response.headers.get("content-type"))) return response;
  const reader = body.getReader();
  const watched = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const step = await reader.read();
        if (step.done) controller.close();
        else controller.enqueue(step.value);
      } catch (error) {
        if (isPlanExeError(error)) failed.abort(error);
        controller.error(error);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return withBody(response, watched);
}

/**
 * The tag as `mcp-http.ts` serializes a call made by `invokeTool`: `_meta` holding only
 * the tag, last in `params`. JSON escapes every quote inside a string value, so this
 * text can only be the tag itself.
 */
const SERIALIZED_TAG = new RegExp(`,"_meta":\\{"${CALL_TAG}":"(\\d+)"\\}`);

function untag(body: string): { text: string; tag: string | undefined } {
  const match = SERIALIZED_TAG.exec(body);
  if (match && body.indexOf(CALL_TAG, match.index + match[0].length) === -1)
    return {
      text: body.slice(0, match.index) + body.slice(match.index + match[0].length),
      tag: match[1],
    };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { text: body, tag: undefined };
  }
  let tag: string | undefined;
  for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
    const meta = (message as { params?: { _meta?: Record<string, unknown> } })?.params?._meta;
    if (!meta || typeof meta[CALL_TAG] !== "string") continue;
    tag = meta[CALL_TAG] as string;
    delete meta[CALL_TAG];
    if (Object.keys(meta).length === 0)
      delete (message as { params: { _meta?: unknown } }).params._meta;
  }
  return { text: JSON.stringify(parsed), tag };
}
