import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { sendBadGateway } from "./bad-gateway.js";

/** A replica the edge may forward to. */
export interface Upstream {
  readonly id: string;
  readonly port: number;
  /** Client responses being served through this replica; the pool cuts them when it dies. */
  readonly connections: Set<ServerResponse>;
}

/** Options of {@link createEdge}. */
export interface EdgeOptions {
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @default 8001 */
  port?: number;
  /** The next healthy replica (round-robin), or `undefined` while none is: the edge answers 502. */
  pick(): Upstream | undefined;
  /** Handles the request itself (the control endpoint) and returns true, or returns false to forward it. */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** A running edge. */
export interface Edge {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
]);

function forwardHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/**
 * Forwards one request to `upstream` and streams the answer back without
 * buffering. When the replica dies mid-response the client's connection is cut
 * (no clean end), as Railway's edge does; when the client hangs up, the
 * upstream request is aborted so the replica sees it too.
 */
function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: Upstream,
  requestId: string,
): void {
  const headers = forwardHeaders(req.headers);
  // The client's identity is the socket's address, set here and never taken from the
  // client: whatever X-Forwarded-For / X-Real-IP it sent is replaced (as Railway's edge sets X-Real-IP).
  const remote = req.socket.remoteAddress ?? "127.0.0.1";
  headers["x-forwarded-for"] = remote;
  headers["x-forwarded-proto"] = "http";
  headers["x-real-ip"] = remote;
  // A fresh connection per request: a pooled socket the replica is closing would turn a good request into a reset.
  const upstreamReq = httpRequest({
    host: "127.0.0.1",
    port: upstream.port,
    method: req.method,
    path: req.url,
    headers,
    agent: false,
  });
  upstream.connections.add(res);
  res.once("close", () => {
    upstream.connections.delete(res);
    if (!res.writableFinished) upstreamReq.destroy();
  });
  upstreamReq.on("error", () => {
    if (!res.headersSent) sendBadGateway(res, requestId);
    else res.destroy();
  });
  upstreamReq.once("response", (upstreamRes) => {
    const responseHeaders = forwardHeaders(upstreamRes.headers);
    res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, responseHeaders);
    res.flushHeaders();
    upstreamRes.once("close", () => {
      if (!upstreamRes.complete) res.destroy();
    });
    upstreamRes.on("error", () => res.destroy());
    upstreamRes.pipe(res);
  });
  req.pipe(upstreamReq);
}

/** Starts the edge: Railway's proxy in front of the replicas. */
export function createEdge(options: EdgeOptions): Promise<Edge> {
  const { host = "127.0.0.1", port = 8001, pick, intercept } = options;
  let requests = 0;
  const server = createServer((req, res) => {
    if (intercept?.(req, res)) return;
    const requestId = `edge-${(++requests).toString(16).padStart(8, "0")}`;
    const upstream = pick();
    if (!upstream) {
      req.resume();
      sendBadGateway(res, requestId);
      return;
    }
    proxy(req, res, upstream, requestId);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const bound = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
