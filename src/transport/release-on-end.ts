import { isNullBodyStatus } from "./classify.js";
import { abortReason } from "./clock.js";

/**
 * `response` with its body tied to `signal` and `release` called once the body is
 * done. For a streamed answer (an event stream, a download) read after the attempt
 * returned:
 * - when `signal` aborts, the body fails with its reason (even from a `fetch` that
 *   ignores its signal) and the source is cancelled;
 * - `release` runs once the body is read to the end, fails, is cancelled or
 *   aborted, so a link to a long-lived signal (a client's, the MCP SDK's
 *   transport-wide one) goes with the body instead of staying for ever.
 * A response without a body (or with a status that cannot carry one) is released at once.
 */
export function releaseOnEnd(
  response: Response,
  signal: AbortSignal,
  release: () => void,
): Response {
  const body = response.body;
  // A body the response cannot be rebuilt with (a 204 from a lenient fetch) goes as it is.
  if (!body || isNullBodyStatus(response.status)) {
    release();
    return response;
  }
  const reader = body.getReader();
  let output: ReadableStreamDefaultController<Uint8Array> | undefined;
  let done = false;
  const end = () => {
    if (done) return false;
    done = true;
    signal.removeEventListener("abort", onAbort);
    release();
    return true;
  };
  const onAbort = () => {
    if (!end()) return;
    const reason = abortReason(signal);
    output?.error(reason);
    reader.cancel(reason).catch(() => {});
  };
  signal.addEventListener("abort", onAbort, { once: true });
  const watched = new ReadableStream<Uint8Array>({
    start(controller) {
      output = controller;
      if (signal.aborted) onAbort();
    },
    async pull(controller) {
      try {
        const step = await reader.read();
        if (done) return;
        if (step.done) {
          end();
          controller.close();
        } else controller.enqueue(step.value);
      } catch (error) {
        if (end()) controller.error(error);
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
  const rebuilt = new Response(watched, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  if (response.url) Object.defineProperty(rebuilt, "url", { value: response.url });
  return rebuilt;
}
