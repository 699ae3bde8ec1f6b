import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanExeClient } from "../../src/client.js";
import { ProtocolError } from "../../src/errors/index.js";
import { watchPlan } from "../../src/sse/index.js";
import { scopeCredentials } from "../../src/transport/http/origin.js";
import {
  ANNOUNCED,
  failure,
  type HostileServer,
  LEAKED_KEY,
  PLAN_ID,
  startHostileServer,
} from "./server.js";

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(() => server.close());

const KEY = "pex_hostile_key_0123456789";

function client(scenario: string): PlanExeClient {
  return new PlanExeClient({
    baseUrl: `${server.url}/${scenario}`,
    apiKey: KEY,
    retry: { deadlineMs: 5_000 },
  });
}

describe("a hostile server's downloads", () => {
  it("an endless body is cut at the announced download_size: TOO_LARGE, and only about that much is read", async () => {
    const c = client("endless");
    try {
      const error = await failure(c.download(PLAN_ID, { artifact: "zip" }));
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code).toBe("TOO_LARGE");
    } finally {
      await c.close();
    }
    // The server kept writing until the client hung up; socket buffers hold a few MiB at most.
    expect(server.bytesSent("/endless/download/")).toBeLessThan(16 * 1024 * 1024);
  });

  it("an artifact announced larger than maxBytes is refused before any byte is fetched", async () => {
    const c = client("good");
    const before = server.requests.filter((r) => r.path.includes("/good/download/")).length;
    try {
      const error = await failure(c.download(PLAN_ID, { maxBytes: ANNOUNCED.size - 1 }));
      expect((error as ProtocolError).code).toBe("TOO_LARGE");
    } finally {
      await c.close();
    }
    expect(server.requests.filter((r) => r.path.includes("/good/download/")).length).toBe(before);
  });

  it("bytes that differ from the announced sha256 are CHECKSUM_MISMATCH", async () => {
    const c = client("badsum");
    try {
      const error = await failure(c.download(PLAN_ID));
      expect((error as ProtocolError).code).toBe("CHECKSUM_MISMATCH");
    } finally {
      await c.close();
    }
  });

  it("a download_url on another origin is fetched without the key", async () => {
    const c = client("foreign");
    try {
      const file = await c.download(PLAN_ID);
      expect(file.bytes.byteLength).toBe(ANNOUNCED.size);
    } finally {
      await c.close();
    }
    const foreign = server.requests.filter((r) => r.origin === server.foreignUrl);
    expect(foreign.length).toBeGreaterThan(0);
    for (const request of foreign) {
      expect(request.headers["x-api-key"]).toBeUndefined();
      expect(request.headers.authorization).toBeUndefined();
    }
  });

  it.each(["data", "file", "ftp"])(
    "a %s: download_url is refused at once with a typed error",
    async (scheme) => {
      const c = client(`scheme-${scheme}`);
      try {
        const error = await failure(c.download(PLAN_ID));
        expect(error).toBeInstanceOf(ProtocolError);
        expect((error as ProtocolError).code).toBe("INVALID_RESPONSE");
      } finally {
        await c.close();
      }
    },
  );
});

describe("a hostile server's stream URLs", () => {
  it.each([
    "data:text/event-stream,event: complete%0Adata: {}%0A%0A",
    "file:///etc/passwd",
    "ftp://127.0.0.1/x",
    "http://user:secret@127.0.0.1:1/sse/plan/x",
  ])("watchPlan(%s) throws a TypeError at once", (url) => {
    expect(() => watchPlan(url)).toThrow(TypeError);
  });

  it.each(["data", "file", "ftp"])(
    "client.watch ends at once when plan_status gives a %s: sse_url",
    async (scheme) => {
      const c = client(`scheme-${scheme}`);
      try {
        const watch = c.watch(PLAN_ID);
        for await (const event of watch) expect(event.type).not.toBe("complete");
        expect.unreachable("the watch should fail");
      } catch (error) {
        expect(error).toBeInstanceOf(ProtocolError);
        expect((error as Error).cause).toBeInstanceOf(TypeError);
      } finally {
        await c.close();
      }
    },
  );

  it("rejects a baseUrl with user:password@ without echoing it", () => {
    expect(() => new PlanExeClient({ baseUrl: "http://me:hunter2@127.0.0.1:1" })).toThrow(
      /user:password@/,
    );
    try {
      new PlanExeClient({ baseUrl: "http://me:hunter2@127.0.0.1:1" });
    } catch (error) {
      expect(String(error)).not.toContain("hunter2");
    }
  });
});

describe("credentials and secrets in what a hostile server sends", () => {
  it("a stream event holding a PlanExe key reaches the caller with the key scrubbed", async () => {
    const events: unknown[] = [];
    for await (const event of watchPlan(`${server.url}/sseecho/sse/plan/${PLAN_ID}`))
      events.push(event);
    expect(events.some((e) => JSON.stringify(e).includes("key ***"))).toBe(true);
    expect(JSON.stringify(events)).not.toContain(LEAKED_KEY);
  });

  it("client.watch refuses an sse_url on another origin (CROSS_ORIGIN_STREAM) unless told to follow it, then without the key", async () => {
    const c = client("foreign");
    try {
      const before = server.requests.filter((r) => r.origin === server.foreignUrl).length;
      const refused = await failure(
        (async () => {
          for await (const _ of c.watch(PLAN_ID)) {
            // Nothing is delivered before the refusal.
          }
        })(),
      );
      expect(refused).toBeInstanceOf(ProtocolError);
      expect((refused as ProtocolError).code).toBe("CROSS_ORIGIN_STREAM");
      expect((refused as ProtocolError).message).toMatch(/followCrossOriginStream: true/);
      expect(server.requests.filter((r) => r.origin === server.foreignUrl).length).toBe(before);
      const events: string[] = [];
      for await (const event of c.watch(PLAN_ID, { followCrossOriginStream: true }))
        events.push(event.type);
      expect(events.at(-1)).toBe("complete");
    } finally {
      await c.close();
    }
    const streams = server.requests.filter(
      (r) => r.origin === server.foreignUrl && r.path.includes("/sse/plan/"),
    );
    expect(streams.length).toBeGreaterThan(0);
    for (const request of streams) expect(request.headers["x-api-key"]).toBeUndefined();
  });

  it("the client's fetch drops credential headers on any request to another origin", async () => {
    const seen: Array<string | null> = [];
    const inner = async (_input: string | URL | Request, init?: RequestInit) => {
      seen.push(new Headers(init?.headers).get("x-api-key"));
      return new Response(null, { status: 204 });
    };
    const scoped = scopeCredentials(inner, new URL(`${server.url}/`));
    const headers = { "x-api-key": "pex_k_0123", authorization: "Bearer pex_k_0123" };
    await scoped(`${server.url}/mcp`, { headers });
    await scoped(`${server.foreignUrl}/mcp`, { headers });
    expect(seen).toEqual(["pex_k_0123", null]);
  });
});

describe("escape sequences in a server's error text", () => {
  it("are shown, not run, when an SDK error is printed (console.error prints inspect)", async () => {
    const c = client("escapes");
    try {
      const error = await failure(c.stopPlan(PLAN_ID));
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
      const raw = /[\u0007\u001b\u009b]/;
      expect(inspect(error)).not.toMatch(raw);
      expect(String(error)).toContain("\\u001b]0;pwned");
    } finally {
      await c.close();
    }
  });
});
