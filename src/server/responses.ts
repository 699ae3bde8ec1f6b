/** The non-stream answers of the progress endpoint, as PlanExe (FastAPI) shapes them. */

/** Headers of every progress stream; FastAPI adds the charset to any `text/*` media type. */
export const STREAM_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** HTTP 429 before any stream starts, with the body PlanExe's code means to send. */
export function connectionLimitResponse(message: string): Response {
  return json(429, { error: { code: "SSE_CONNECTION_LIMIT", message } });
}

/**
 * What today's PlanExe actually answers over the limit: 200 `text/event-stream`, then
 * a body that aborts before its first byte (its limit check runs inside the stream).
 */
export function abortedStreamResponse(message: string): Response {
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.error(new TypeError(`terminated: ${message}`));
    },
  });
  return new Response(body, { status: 200, headers: STREAM_HEADERS });
}

/** HTTP 503 while draining, so the client retries and lands on a healthy replica. */
export function drainingResponse(): Response {
  return json(503, {
    error: {
      code: "SERVER_DRAINING",
      message: "This server is shutting down; reconnect to reach a healthy replica.",
    },
  });
}

/** HTTP 503 when the plan's snapshot could not be read; retrying is safe. */
export function snapshotUnavailableResponse(): Response {
  return json(503, {
    error: { code: "INTERNAL_ERROR", message: "Could not read the plan's progress; try again." },
  });
}

/** FastAPI's 404 for a path with no plan id. */
export function notFoundResponse(): Response {
  return json(404, { detail: "Not Found" });
}

/** FastAPI's 405 for anything but GET. */
export function methodNotAllowedResponse(): Response {
  return json(405, { detail: "Method Not Allowed" }, { allow: "GET" });
}
