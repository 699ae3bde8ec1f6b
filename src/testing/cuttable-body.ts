/** The error a reader sees when a connection dies mid-body, shaped like undici's. */
function connectionCutError(): TypeError {
  const socketError = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
  return new TypeError("terminated", { cause: socketError });
}

/** A response whose body the double can kill like a dropped connection. */
export interface CuttableResponse {
  readonly response: Response;
  /** Errors the body for the reader (as a killed connection would) and cancels the source. No-op once ended. */
  cut(): void;
}

/**
 * Re-wraps `response` so its body can be cut mid-stream. `onEnd` runs once, when the
 * body finishes, errors, is cancelled by the reader, or is cut.
 */
export function makeCuttable(response: Response, onEnd: () => void): CuttableResponse {
  const source = response.body;
  if (!source) return { response, cut: () => {} };
  const reader = source.getReader();
  let ended = false;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  const end = () => {
    if (ended) return false;
    ended = true;
    onEnd();
    return true;
  };
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    async pull(c) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (end()) c.error(error);
        return;
      }
      if (ended) return;
      if (chunk.done) {
        end();
        c.close();
        return;
      }
      c.enqueue(chunk.value);
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
  const cut = () => {
    if (!end()) return;
    const error = connectionCutError();
    controller?.error(error);
    reader.cancel(error).catch(() => {});
  };
  const wrapped = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  return { response: wrapped, cut };
}
