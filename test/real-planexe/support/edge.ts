import type { ServerResponse } from "node:http";
import { createEdge, type Upstream } from "../../../src/emulator/edge.js";

/**
 * The emulator's edge (Railway's proxy: Railway's 502 page while no upstream answers,
 * connections cut when an upstream dies mid-answer) in front of real `mcp_cloud`
 * processes on the given ports. `route(ports)` is where new requests go, as Railway
 * switches traffic during a deploy.
 */
export interface RealEdge {
  readonly url: string;
  /** Sends new requests to these ports, round-robin. */
  route(ports: number[]): void;
  /** How many 502 pages the edge has served (no upstream answered). */
  badGateways(): number;
  close(): Promise<void>;
}

export async function startEdge(ports: number[]): Promise<RealEdge> {
  const upstreams = new Map<number, Upstream>();
  const upstreamFor = (port: number) => {
    let upstream = upstreams.get(port);
    if (!upstream) {
      upstream = { id: `mcp_cloud:${port}`, port, connections: new Set<ServerResponse>() };
      upstreams.set(port, upstream);
    }
    return upstream;
  };
  let routed = ports.map(upstreamFor);
  let next = 0;
  let badGateways = 0;
  const edge = await createEdge({
    port: 0,
    pick: () => (routed.length ? routed[next++ % routed.length] : undefined),
  });
  edge.server.on("request", (_req, res: ServerResponse) => {
    res.once("finish", () => {
      if (res.statusCode === 502) badGateways += 1;
    });
  });
  return {
    url: `http://127.0.0.1:${edge.port}`,
    route(to) {
      routed = to.map(upstreamFor);
    },
    badGateways: () => badGateways,
    close: () => edge.close(),
  };
}
