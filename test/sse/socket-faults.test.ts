import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { ProtocolError, watchPlan } from "../../src/index.js";
import { createManualClock } from "../../src/testing/index.js";
import { completeBlock, record, SSE_HEADERS, startRawServer, statusBlock } from "./helpers.js";

/**
 * Faults a deploy or a proxy produces, on a real socket: a bare node:http server on
 * 127.0.0.1 writes exact bytes; delays run on a manual clock that the test moves only
 * once the client is known to be waiting (each wait for I/O awaits a real event).
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function serve(handler: (res: ServerResponse, n: number) => void) {
  const server = await startRawServer((_req, res, n) => handler(res, n));
  cleanups.push(server.close);
  return server;
}

function watch(url: string, options: Parameters<typeof watchPlan>[1] = {}) {
  const clock = createManualClock();
  const controller = new AbortController();
  cleanups.push(() => controller.abort());
  // Each of these servers speaks only the stream: no shared episode probing its /healthcheck.
  const w = watchPlan(url, {
    clock,
    signal: controller.signal,
    retry: { random: () => 0 },
    episode: false,
    ...options,
  });
  return { clock, watch: w, rec: record(w, clock.now) };
}

/** A fetch that counts the responses whose headers arrived; `responses(n)` resolves once `n` have. */
function countingFetch() {
  let count = 0;
  const waiting: { n: number; resolve: () => void }[] = [];
  const fetchCounted: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    count += 1;
    for (const waiter of waiting.filter((w) => w.n <= count)) waiter.resolve();
    return response;
  };
  const responses = (n: number) =>
    count >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve }));
  return { fetch: fetchCounted, responses };
}

const finish = (res: ServerResponse) => {
  res.writeHead(200, SSE_HEADERS);
  res.end(`retry: 5000\r\n\r\n${statusBlock(10)}${statusBlock(20)}${completeBlock()}`);
};

describe("watchPlan on a real socket", () => {
  it("reconnects after heartbeatTimeout when a stream goes silent (half-open), not before", async () => {
    const server = await serve((res, n) => {
      if (n === 1) {
        res.writeHead(200, SSE_HEADERS);
        res.write(`retry: 5000\r\n\r\n${statusBlock(10)}`); // then silence, socket left open
      } else finish(res);
    });
    const { clock, watch: w, rec } = watch(server.url, { heartbeatTimeoutMs: 45_000 });
    const first = await rec.until((e) => e.type === "status");
    await clock.advance(44_999);
    expect(server.requests).toHaveLength(1);
    expect(rec.events.map((e) => e.type)).toEqual(["connected", "status"]);
    await clock.advance(1);
    const reconnecting = await rec.until((e) => e.type === "reconnecting");
    expect(reconnecting).toMatchObject({ attempt: 1, cause: { code: "HEARTBEAT_TIMEOUT" } });
    expect(reconnecting.at - first.at).toBe(45_000);
    await clock.advance(reconnecting.type === "reconnecting" ? reconnecting.delayMs : 0);
    await rec.done;
    expect(rec.types()).toEqual([
      "connected",
      "status:10",
      "reconnecting",
      "connected",
      "status:20", // 10 again after the reconnect is the same snapshot: dropped
      "complete",
    ]);
    expect(await w.closed).toMatchObject({ reason: "complete", event: { state: "completed" } });
  });

  it("also times out a stream that sends headers and then nothing at all", async () => {
    const counted = countingFetch();
    const server = await serve((res, n) => {
      if (n === 1) {
        res.writeHead(200, SSE_HEADERS);
        res.flushHeaders();
      } else finish(res);
    });
    const { clock, rec } = watch(server.url, { heartbeatTimeoutMs: 30_000, fetch: counted.fetch });
    await counted.responses(1);
    await clock.advance(29_999);
    expect(server.requests).toHaveLength(1);
    await clock.advance(1);
    const reconnecting = await rec.until((e) => e.type === "reconnecting");
    expect(reconnecting).toMatchObject({ attempt: 1, cause: { code: "HEARTBEAT_TIMEOUT" } });
    await clock.advance(reconnecting.type === "reconnecting" ? reconnecting.delayMs : 0);
    await rec.done;
    expect(rec.types()).toEqual([
      "reconnecting",
      "connected",
      "status:10",
      "status:20",
      "complete",
    ]);
  });

  it("a 200 aborted with no bytes is a short transient once, and PlanExe's connection limit (tried again in about a second) when it repeats", async () => {
    const cuts: (() => void)[] = [];
    const server = await serve((res, n) => {
      if (n <= 2) {
        res.writeHead(200, SSE_HEADERS);
        res.flushHeaders();
        cuts.push(() => res.socket?.destroy());
      } else finish(res);
    });
    const counted = countingFetch();
    const { clock, rec } = watch(server.url, { retry: { random: () => 0 }, fetch: counted.fetch });
    await counted.responses(1);
    cuts[0]?.();
    const first = await rec.until((e) => e.type === "reconnecting");
    // The first time could be a replica shutting down under a fresh connection: go again soon.
    expect(first).toMatchObject({ delayMs: 0, cause: { code: "EMPTY_RESPONSE" } });
    await clock.advance(0);
    await counted.responses(2);
    cuts[1]?.();
    const second = await rec.until((e) => e.type === "reconnecting" && e.attempt === 2);
    // Again, from a server that answers: its connection limit, named so; tried again soon.
    expect(second).toMatchObject({ delayMs: 800, cause: { code: "SSE_CONNECTION_LIMIT" } });
    await clock.advance(799);
    expect(server.requests).toHaveLength(2);
    await clock.advance(1);
    await rec.done;
    expect(server.requests).toHaveLength(3);
    expect(rec.types()).toEqual([
      "reconnecting",
      "reconnecting",
      "connected",
      "status:10",
      "status:20",
      "complete",
    ]);
  });

  it("drops an event cut by a reset and delivers it once after the reconnect, resuming by id", async () => {
    const partial = statusBlock(25, { id: "1.0.processing.250" }).slice(0, 60);
    let sentFirst!: () => void;
    const server = await serve((res, n) => {
      if (n === 1) {
        res.writeHead(200, SSE_HEADERS);
        res.write(`retry: 1000\r\n\r\n${statusBlock(10, { id: "1.0.processing.100" })}`);
        sentFirst = () => res.write(partial, () => res.socket?.destroy());
      } else {
        res.writeHead(200, SSE_HEADERS);
        res.end(
          `retry: 1000\r\n\r\n${statusBlock(25, { id: "1.0.processing.250" })}${completeBlock()}`,
        );
      }
    });
    const { clock, watch: w, rec } = watch(server.url);
    await rec.until((e) => e.type === "status");
    sentFirst();
    const reconnecting = await rec.until((e) => e.type === "reconnecting");
    expect(reconnecting).toMatchObject({ attempt: 1, cause: { code: "NETWORK_ERROR" } });
    expect(JSON.stringify(reconnecting)).not.toContain("5a0f3c1e");
    await clock.advance(reconnecting.type === "reconnecting" ? reconnecting.delayMs : 0);
    await rec.done;
    expect(rec.types()).toEqual([
      "connected",
      "status:10",
      "reconnecting",
      "connected",
      "status:25",
      "complete",
    ]);
    expect(server.requests[0]?.headers["last-event-id"]).toBeUndefined();
    expect(server.requests[1]?.headers["last-event-id"]).toBe("1.0.processing.100");
    expect(w.lastEventId).toBe("1.0.processing.250");
  });

  it("honours Retry-After on a 429", async () => {
    const server = await serve((res, n) => {
      if (n === 1) {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "7" });
        res.end('{"error":{"code":"SSE_CONNECTION_LIMIT","message":"Too many streams"}}');
      } else finish(res);
    });
    const { clock, rec } = watch(server.url);
    const reconnecting = await rec.until((e) => e.type === "reconnecting");
    expect(reconnecting).toMatchObject({
      delayMs: 7_000,
      cause: { code: "RATE_LIMITED", status: 429 },
    });
    await clock.advance(6_999);
    expect(server.requests).toHaveLength(1);
    await clock.advance(1);
    await rec.done;
    expect(rec.types()).toEqual([
      "reconnecting",
      "connected",
      "status:10",
      "status:20",
      "complete",
    ]);
  });

  it("closes with EVENT_TOO_LARGE as soon as an event outgrows maxEventBytes, without reading the rest", async () => {
    let closedByClient!: () => void;
    const clientGone = new Promise<void>((resolve) => {
      closedByClient = resolve;
    });
    let written = 0;
    const server = await serve((res) => {
      res.writeHead(200, SSE_HEADERS);
      res.write(`retry: 5000\r\n\r\n${statusBlock(10)}event: status\r\ndata: {"huge": "`);
      const chunk = "x".repeat(16 * 1024);
      // An endless data line: only the client giving up stops it.
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
      };
      res.on("drain", pump);
      res.on("close", closedByClient);
      pump();
    });
    const { watch: w, rec } = watch(server.url, { maxEventBytes: 4096 });
    const end = await w.closed;
    await rec.done;
    expect(end.reason).toBe("error");
    expect(end.reason === "error" && end.error).toBeInstanceOf(ProtocolError);
    expect(end.reason === "error" && end.error.code).toBe("EVENT_TOO_LARGE");
    expect(rec.error).toBe(end.reason === "error" ? end.error : undefined);
    expect(rec.types()).toEqual(["connected", "status:10"]);
    await clientGone;
    expect(server.requests).toHaveLength(1);
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });
});
