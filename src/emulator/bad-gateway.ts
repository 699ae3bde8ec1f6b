import type { ServerResponse } from "node:http";
import { railway502Headers, railway502Html } from "../fake/railway-502.js";

/**
 * Answers Railway's 502 page (the msw double's, byte for byte) for the edge request
 * `requestId`, unless the response has already started (then it is cut).
 */
export function sendBadGateway(res: ServerResponse, requestId: string): void {
  if (res.destroyed || res.writableEnded) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const html = railway502Html(requestId);
  res.writeHead(502, "Bad Gateway", {
    ...railway502Headers(requestId),
    "content-length": Buffer.byteLength(html),
  });
  res.end(html);
}
