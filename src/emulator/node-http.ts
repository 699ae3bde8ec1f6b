import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { Readable } from "node:stream";

/** A web-standard handler: what `createPlanExeApp(...).fetch` and `server/` streams are. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * Turns a `node:http` request into a web `Request`. The body streams (it is not
 * buffered) and `request.signal` aborts when the client goes away before the
 * response has been sent in full, so a progress stream stops when its watcher hangs up.
 */
function toWebRequest(req: IncomingMessage, res: ServerResponse): Request {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished)
      controller.abort(new DOMException("Client disconnected", "AbortError"));
  });
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    if (name.startsWith(":")) continue;
    headers.append(name, req.rawHeaders[i + 1] as string);
  }
  const host = req.headers.host ?? "127.0.0.1";
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const init: RequestInit & { duplex?: "half" } = {
    method,
    headers,
    signal: controller.signal,
  };
  if (hasBody) {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    init.duplex = "half";
  }
  return new Request(`http://${host}${req.url ?? "/"}`, init);
}

/**
 * Writes a web `Response` to a `node:http` response, chunk by chunk as the body
 * produces them (SSE goes out at once; headers are flushed before the first
 * chunk). Respects back-pressure; cancels the body when the client hangs up; cuts
 * the connection (no clean end) when the body errors, as a dying server would.
 */
async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  if (response.statusText) res.writeHead(response.status, response.statusText, headers);
  else res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  res.flushHeaders();
  const reader = response.body.getReader();
  const onClose = () => {
    if (!res.writableFinished) reader.cancel().catch(() => {});
  };
  res.once("close", onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) {
        // "close" may not have fired yet, and its listener goes in `finally`: release the body here.
        reader.cancel().catch(() => {});
        return;
      }
      if (!res.write(value)) await waitForDrain(res);
    }
    res.end();
  } catch (error) {
    res.destroy(error instanceof Error ? error : undefined);
  } finally {
    res.off("close", onClose);
  }
}

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}

/**
 * A `node:http` request listener that serves `handler`. A handler that throws gets
 * a plain 500 (the replica stays up), like an uncaught exception in a web framework.
 */
export function serveFetch(handler: FetchHandler): RequestListener {
  return (req, res) => {
    let request: Request;
    try {
      request = toWebRequest(req, res);
    } catch {
      res.writeHead(400, { "content-type": "text/plain" }).end("Bad Request");
      return;
    }
    handler(request)
      .then(
        (response) => sendWebResponse(res, response),
        () => {
          if (!res.headersSent) {
            res.writeHead(500, { "content-type": "application/json" });
            res.end(JSON.stringify({ detail: "Internal Server Error" }));
          } else {
            res.destroy();
          }
        },
      )
      .catch(() => res.destroy());
  };
}
