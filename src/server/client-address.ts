/** What the host knows about the connection a request came on (Node: `req.socket.remoteAddress`; Deno: `info.remoteAddr.hostname`; Bun: `server.requestIP(req)?.address`). */
export interface ConnectionInfo {
  /** The peer's address: the client itself, or the last proxy in front of this handler. */
  remoteAddress?: string | undefined;
}

/**
 * Which proxies in front of the handler may say who the client is. Without one,
 * only the socket's address counts: any request header is the client's to forge.
 * - `{ header: "x-real-ip" }`: one proxy that always sets (overwrites) this header.
 *   Railway's edge does so with `X-Real-IP` (Railway docs, public networking "Specs &
 *   Limits"): PlanExe on Railway uses `{ header: "x-real-ip" }`.
 * - `{ hops: n }`: `n` proxies that each append the address they saw to
 *   `X-Forwarded-For`; the client is the `n`th entry from the right.
 * Trust only what every request passes through: if the handler is also reachable
 * directly, a caller can set these headers itself.
 */
export type TrustProxy = { header: string } | { hops: number };

/**
 * Who a request counts against for the per-client connection limit: the socket's
 * address, or what the trusted proxy reported; `"unknown"` when neither is known
 * (all such requests then share one client's limit).
 */
export function clientAddress(
  request: Request,
  connection: ConnectionInfo | undefined,
  trust: TrustProxy | undefined,
): string {
  const socket = connection?.remoteAddress?.trim() || undefined;
  if (trust && "header" in trust)
    return request.headers.get(trust.header)?.trim() || socket || "unknown";
  if (trust && trust.hops > 0) {
    const chain = (request.headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== "");
    // Fewer entries than trusted hops: the request skipped a proxy, so its leftmost entry is the client's own claim; count the socket instead.
    if (chain.length >= trust.hops) return chain[chain.length - trust.hops] as string;
  }
  return socket ?? "unknown";
}

/** A `TypeError` message when `value` is not a valid {@link TrustProxy}, else `undefined`. */
export function checkTrustProxy(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const ok =
    typeof value === "object" &&
    value !== null &&
    (("header" in value &&
      typeof value.header === "string" &&
      /^[a-z0-9-]+$/i.test(value.header)) ||
      ("hops" in value && Number.isInteger(value.hops) && (value.hops as number) >= 1));
  return ok
    ? undefined
    : 'createPlanProgressStream: `trustProxy` must be { header: "x-real-ip" } or { hops: 1 } (an integer >= 1).';
}
