import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createEdge, type Edge, type Upstream } from "../../src/emulator/edge.js";
import { type FetchHandler, serveFetch } from "../../src/emulator/node-http.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(handler: FetchHandler): Promise<{ server: Server; port: number }> {
  const server = createServer(serveFetch(handler));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { server, port: (server.address() as AddressInfo).port };
}

async function edgeTo(upstreams: Upstream[]): Promise<Edge> {
  let next = 0;
  const edge = await createEdge({
    port: 0,
    pick: () => (upstreams.length ? upstreams[next++ % upstreams.length] : undefined),
  });
  cleanups.push(() => edge.close());
  return edge;
}

const upstream = (id: string, port: number): Upstream => ({
  id,
  port,
  connections: new Set<ServerResponse>(),
});

/** A stream that sends `first`, then waits until `release()` to send `second` and end. */
function gatedStream(first: string, second: string) {
  let release: () => void = () => {};
  let cancelled: (reason: unknown) => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const cancelledReason = new Promise<unknown>((resolve) => {
    cancelled = resolve;
  });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(first));
    },
    async pull(controller) {
      await gate;
      controller.enqueue(encoder.encode(second));
      controller.close();
    },
    cancel(reason) {
      cancelled(reason);
    },
  });
  return { body, release, cancelledReason };
}

async function readFirstChunk(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const first = await reader.read();
  return { reader, text: new TextDecoder().decode(first.value) };
}

describe("the edge", () => {
  it("sets the client's identity from its socket: forged X-Forwarded-For / X-Real-IP never reach a replica", async () => {
    const { port } = await listen(async (request) =>
      Response.json({
        forwarded: request.headers.get("x-forwarded-for"),
        real: request.headers.get("x-real-ip"),
      }),
    );
    const edge = await edgeTo([upstream("a", port)]);
    const response = await fetch(`http://127.0.0.1:${edge.port}/x`, {
      headers: { "x-forwarded-for": "203.0.113.7", "x-real-ip": "198.51.100.2" },
    });
    expect(await response.json()).toEqual({ forwarded: "127.0.0.1", real: "127.0.0.1" });
  });

  it("answers 502 with Railway's HTML page while no replica is healthy", async () => {
    const edge = await edgeTo([]);
    const response = await fetch(`http://127.0.0.1:${edge.port}/mcp`, {
      method: "POST",
      body: "{}",
    });
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("x-railway-fallback")).toBe("true");
    expect(response.headers.get("x-railway-request-id")).toMatch(/^edge-[0-9a-f]{8}$/);
    expect(await response.text()).toContain("Application failed to respond");
  });

  it("sends its 502 without CORS headers, to a preflight too: a browser page sees only a TypeError", async () => {
    const edge = await edgeTo([]);
    const origin = { origin: "http://127.0.0.1:5173" };
    const answers = await Promise.all([
      fetch(`http://127.0.0.1:${edge.port}/healthcheck`, { headers: origin }),
      fetch(`http://127.0.0.1:${edge.port}/mcp`, {
        method: "OPTIONS",
        headers: { ...origin, "access-control-request-method": "POST" },
      }),
    ]);
    for (const response of answers) {
      expect(response.status).toBe(502);
      expect(
        [...response.headers.keys()].filter((name) => name.startsWith("access-control-")),
      ).toEqual([]);
    }
  });

  it("streams an SSE body through without buffering and keeps the Host the client used", async () => {
    const stream = gatedStream("retry: 5000\n\n", "event: complete\ndata: {}\n\n");
    let seenHost = "";
    const { port } = await listen(async (request) => {
      seenHost = new URL(request.url).host;
      return new Response(stream.body, { headers: { "content-type": "text/event-stream" } });
    });
    const edge = await edgeTo([upstream("a", port)]);
    const response = await fetch(`http://127.0.0.1:${edge.port}/sse/plan/p1`);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    // The first event arrives while the replica is still holding the rest of the stream.
    const { reader, text } = await readFirstChunk(response);
    expect(text).toBe("retry: 5000\n\n");
    expect(seenHost).toBe(`127.0.0.1:${edge.port}`);
    stream.release();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toBe("event: complete\ndata: {}\n\n");
  });

  it("cuts the client's stream (no clean end) when the replica behind it dies", async () => {
    const stream = gatedStream("retry: 5000\n\n", "never sent");
    const { server, port } = await listen(
      async () => new Response(stream.body, { headers: { "content-type": "text/event-stream" } }),
    );
    const edge = await edgeTo([upstream("a", port)]);
    const response = await fetch(`http://127.0.0.1:${edge.port}/sse/plan/p1`);
    const { reader } = await readFirstChunk(response);
    server.closeAllConnections();
    await expect(reader.read()).rejects.toThrow();
  });

  it("tells the replica when the client hangs up, so its stream stops", async () => {
    const stream = gatedStream("retry: 5000\n\n", "never sent");
    let requestSignal: AbortSignal | undefined;
    const { port } = await listen(async (request) => {
      requestSignal = request.signal;
      return new Response(stream.body, { headers: { "content-type": "text/event-stream" } });
    });
    const edge = await edgeTo([upstream("a", port)]);
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${edge.port}/sse/plan/p1`, {
      signal: controller.signal,
    });
    await readFirstChunk(response);
    controller.abort();
    await stream.cancelledReason;
    expect(requestSignal?.aborted).toBe(true);
  });

  it("forwards request bodies and alternates between replicas", async () => {
    const a = await listen(async (request) => new Response(`a:${await request.text()}`));
    const b = await listen(async (request) => new Response(`b:${await request.text()}`));
    const edge = await edgeTo([upstream("a", a.port), upstream("b", b.port)]);
    const answers: string[] = [];
    for (const body of ["1", "2", "3"]) {
      const response = await fetch(`http://127.0.0.1:${edge.port}/mcp`, { method: "POST", body });
      answers.push(await response.text());
    }
    expect(answers).toEqual(["a:1", "b:2", "a:3"]);
  });

  it("answers 502 when the picked replica refuses the connection", async () => {
    const { server, port } = await listen(async () => new Response("ok"));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const edge = await edgeTo([upstream("gone", port)]);
    const response = await fetch(`http://127.0.0.1:${edge.port}/healthcheck`);
    expect(response.status).toBe(502);
  });
});
