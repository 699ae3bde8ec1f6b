import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";

/** The arrival time (ms, wall clock) of every request an HTTP server in this process received. */
export interface EdgeRequestLog {
  readonly times: readonly number[];
  /** How many arrived in `[from, to]`. */
  between(from: number, to: number): number;
  stop(): void;
}

const CHANNEL = "http.server.request.start";

/**
 * Counts requests at the emulator's edge from outside it: the edge is the only
 * `node:http` server in the benchmark's process (replicas are child processes),
 * and Node publishes every request it receives on the `http.server.request.start`
 * diagnostics channel. The emulator's control endpoint (`/__emulator/…`) is left out.
 */
export function logEdgeRequests(): EdgeRequestLog {
  const times: number[] = [];
  const onRequest = (message: unknown) => {
    const { request } = message as { request: IncomingMessage };
    if (!request.url?.startsWith("/__emulator/")) times.push(Date.now());
  };
  subscribe(CHANNEL, onRequest);
  return {
    times,
    between: (from, to) => times.filter((t) => t >= from && t <= to).length,
    stop: () => unsubscribe(CHANNEL, onRequest),
  };
}
