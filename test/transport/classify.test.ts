import { describe, expect, it } from "vitest";
import { toReplayable } from "../../src/transport/http/request.js";
import { readRpcMessages } from "../../src/transport/mcp/jsonrpc.js";
import { classifyNetworkError } from "../../src/transport/policy/classify.js";
import { decide } from "../../src/transport/policy/decide.js";
import { parseRetryAfter, resolveRetryOptions } from "../../src/transport/policy/retry-options.js";

const withCode = (code: string) => Object.assign(new Error(code), { code });
const fetchFailed = (cause: unknown) => new TypeError("fetch failed", { cause });

describe("classifyNetworkError", () => {
  it("a request that never left: refused, DNS, connect timeout, happy-eyeballs AggregateError", () => {
    for (const cause of [
      withCode("ECONNREFUSED"),
      withCode("ENOTFOUND"),
      withCode("UND_ERR_CONNECT_TIMEOUT"),
      Object.assign(new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")]), {
        code: "ECONNREFUSED",
      }),
    ])
      expect(classifyNetworkError(fetchFailed(cause))?.delivery).toBe("no");
  });

  it("a broken connection may have delivered the request", () => {
    for (const cause of [withCode("ECONNRESET"), withCode("UND_ERR_SOCKET"), undefined])
      expect(classifyNetworkError(fetchFailed(cause))?.delivery).toBe("maybe");
    expect(classifyNetworkError(new TypeError("Failed to fetch"))?.delivery).toBe("maybe");
  });

  it("errors that are not network failures are not retried", () => {
    expect(
      classifyNetworkError(new TypeError("Headers.append: invalid header value")),
    ).toBeUndefined();
    expect(classifyNetworkError(new RangeError("x"))).toBeUndefined();
    expect(classifyNetworkError(new DOMException("aborted", "AbortError"))).toBeUndefined();
  });
});

describe("the wait after a 429 (decide)", () => {
  let random = 0.5;
  const options = resolveRetryOptions({
    rateLimitDelayMs: 1_000,
    maxRetryAfterMs: 60_000,
    random: () => random,
  });
  const rateLimitDelay = (header: string | null, streak: number, now: number) => {
    const decision = decide({
      operation: "stream",
      failure: { kind: "rate-limited", delivery: "no", retryAfterMs: parseRetryAfter(header, now) },
      resendable: true,
      attempt: streak,
      elapsedMs: 0,
      emptyStreak: 0,
      now,
      policy: options,
    });
    return decision.action === "retry" ? decision.delayMs : -1;
  };
  it("honours seconds and dates, capped", () => {
    expect(rateLimitDelay("3", 1, 0)).toBe(3_000);
    expect(rateLimitDelay("3600", 1, 0)).toBe(60_000);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(rateLimitDelay("Thu, 01 Jan 2026 00:00:30 GMT", 1, now)).toBe(30_000);
    expect(rateLimitDelay("Wed, 31 Dec 2025 00:00:00 GMT", 1, now)).toBe(0);
  });
  it("without one (PlanExe), about a second, the same for every 429 in a row", () => {
    expect([1, 2, 3, 10].map((n) => rateLimitDelay(null, n, 0))).toEqual([
      1_000, 1_000, 1_000, 1_000,
    ]);
    expect(rateLimitDelay("soon", 1, 0)).toBe(1_000);
    random = 0;
    expect(rateLimitDelay(null, 1, 0)).toBe(800);
    random = 0.999_999;
    expect(rateLimitDelay(null, 5, 0)).toBe(1_200);
    random = 0.5;
  });
});

const textOf = (body: Uint8Array | string | undefined) =>
  typeof body === "string" ? body : new TextDecoder().decode(body);

describe("replayable requests", () => {
  it("reads the common requests directly exactly as a Request would, keeping a string body as is", async () => {
    const shared = new TextEncoder().encode('{"jsonrpc":"2.0","id":1,"method":"ping"}');
    const cases: [string | URL, RequestInit | undefined][] = [
      ["http://x.test/mcp", { method: "POST", body: '{"a":1}' }],
      [
        "http://x.test/mcp",
        { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } },
      ],
      [
        new URL("http://x.test/a/../mcp?q=1"),
        { method: "PUT", body: shared, headers: [["x-api-key", "k"]] },
      ],
      ["http://X.test:80/tools", undefined],
      ["http://x.test/tools", { method: "DELETE", headers: new Headers({ accept: "a" }) }],
    ];
    for (const [input, init] of cases) {
      const direct = await toReplayable(input, init);
      const reference = new Request(input, init);
      expect(direct.url).toBe(reference.url);
      expect(direct.method).toBe(reference.method);
      expect([...direct.headers]).toEqual([...reference.headers]);
      expect(textOf(direct.body)).toBe(reference.body ? await reference.text() : textOf(undefined));
    }
    const fromString = await toReplayable("http://x.test/mcp", { method: "POST", body: "{}" });
    expect(fromString.body).toBe("{}");
    const fromBytes = await toReplayable("http://x.test/mcp", { method: "POST", body: shared });
    shared[0] = 0;
    expect(textOf(fromBytes.body)).toContain('"ping"');
    expect(fromBytes.rpc).toEqual([{ method: "ping", id: 1 }]);
    // Lower-case methods, credentials in the URL and bad URLs go through Request (which normalizes or refuses them).
    expect((await toReplayable("http://x.test/", { method: "post", body: "b" })).method).toBe(
      "POST",
    );
    await expect(toReplayable("http://u:p@x.test/", undefined)).rejects.toThrow(TypeError);
    await expect(toReplayable("not a url", undefined)).rejects.toThrow(TypeError);
  });

  it("buffers every body kind once, keeping the content type fetch would set", async () => {
    const form = new URLSearchParams({ a: "1" });
    const fromParams = await toReplayable("http://x.test/", { method: "POST", body: form });
    expect(textOf(fromParams.body)).toBe("a=1");
    expect(fromParams.headers.get("content-type")).toContain("application/x-www-form-urlencoded");
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode("streamed"));
        c.close();
      },
    });
    const fromStream = await toReplayable("http://x.test/", { method: "POST", body: stream });
    expect(textOf(fromStream.body)).toBe("streamed");
    const fromRequest = await toReplayable(
      new Request("http://x.test/", { method: "PUT", body: "r" }),
      undefined,
    );
    expect(fromRequest).toMatchObject({ method: "PUT" });
    expect(textOf(fromRequest.body)).toBe("r");
  });

  it("reads JSON-RPC messages, batches and PlanExe's REST tools/call", () => {
    const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    expect(
      readRpcMessages(
        bytes({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "t" } }),
      ),
    ).toEqual([{ method: "tools/call", id: 1, toolName: "t" }]);
    expect(
      readRpcMessages(
        bytes([
          { jsonrpc: "2.0", method: "notifications/initialized" },
          { jsonrpc: "2.0", id: 2, method: "ping" },
        ]),
      ),
    ).toHaveLength(2);
    expect(readRpcMessages(bytes({ tool: "plan_status", arguments: {} }))).toEqual([
      { method: "tools/call", toolName: "plan_status" },
    ]);
    expect(readRpcMessages(bytes({ hello: 1 }))).toBeUndefined();
  });
});
