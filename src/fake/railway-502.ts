/** The HTML Railway's edge serves while no healthy replica answers (a deploy's restart window). */
const RAILWAY_502_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Application failed to respond</title>
  <style>
    body { margin: 0; font-family: Inter, -apple-system, BlinkMacSystemFont, sans-serif; background: #13111c; color: #e0dfe5; }
    main { max-width: 32rem; margin: 20vh auto; padding: 0 1.5rem; text-align: center; }
    h1 { font-size: 1.5rem; font-weight: 600; }
    p { color: #a09eab; line-height: 1.5; }
    code { font-size: 0.8rem; color: #6c6a78; }
  </style>
</head>
<body>
  <main>
    <h1>Application failed to respond</h1>
    <p>This error appears to be caused by the application.</p>
    <p>If you are the owner of this application, check your deployment logs to see what may have gone wrong.</p>
    <p><code>Request ID: __REQUEST_ID__</code></p>
  </main>
</body>
</html>
`;

/** The headers of Railway's 502 page for the edge request `requestId`. */
export function railway502Headers(requestId: string): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    server: "railway-edge",
    "x-railway-fallback": "true",
    "x-railway-request-id": requestId,
  };
}

/** The HTML body of Railway's 502 page for the edge request `requestId`. */
export function railway502Html(requestId: string): string {
  return RAILWAY_502_HTML.replace("__REQUEST_ID__", requestId);
}

/**
 * Railway's 502 "Application failed to respond" page, as a client sees it during a
 * restart window: `502`, `content-type: text/html`, an edge request id, no `Retry-After`.
 * The emulator's node:http edge writes the same page.
 */
export function railwayBadGateway(requestId: string): Response {
  return new Response(railway502Html(requestId), {
    status: 502,
    statusText: "Bad Gateway",
    headers: railway502Headers(requestId),
  });
}
