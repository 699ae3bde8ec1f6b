import type { ServerResponse } from "node:http";

/** The HTML page Railway's edge serves while a service has no healthy replica. */
const BAD_GATEWAY_HTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Application failed to respond</title>
</head>
<body>
<main>
<h1>Application failed to respond</h1>
<p>This error appears to be caused by the application.</p>
<p>If this is your project, check out your deploy logs to see what went wrong.</p>
</main>
</body>
</html>
`;

/** Answers 502 with {@link BAD_GATEWAY_HTML}, unless the response has already started (then it is cut). */
export function sendBadGateway(res: ServerResponse): void {
  if (res.destroyed || res.writableEnded) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(502, {
    "content-type": "text/html",
    "content-length": Buffer.byteLength(BAD_GATEWAY_HTML),
    "x-railway-fallback": "true",
  });
  res.end(BAD_GATEWAY_HTML);
}
