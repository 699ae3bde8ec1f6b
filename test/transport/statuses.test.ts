import { describe, expect, it } from "vitest";
import { isPlanExeError, TransportError } from "../../src/errors/index.js";
import { createResilientFetch, type RetryInfo } from "../../src/transport/index.js";
import { badGateway, createManualClock, json, rpc, rpcInit, scriptedFetch } from "./helpers.js";

const BASE = "http://planexe.test";
const KEY = "pex_secret_key_1234567890";

describe("transient answers are retried", () => {
  it("retries a 502 HTML page without parsing it and returns the JSON answer", async () => {
    const clock = createManualClock();
    let htmlRead = false;
    const server = scriptedFetch(clock, (request, index) => {
      if (request.path === "/healthcheck") return json({ status: "healthy" });
      if (index > 0) return json({ jsonrpc: "2.0", id: 1, result: { ok: true } });
      const body = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            htmlRead = true;
            controller.enqueue(new TextEncoder().encode("<html>502</html>"));
            controller.close();
          },
        },
        { highWaterMark: 0 },
      );
      return new Response(body, { status: 502, headers: { "content-type": "text/html" } });
    });
    const retries: RetryInfo[] = [];
    const fetch = createResilientFetch({
      fetch: server.fetch,
      clock,
      onRetry: (i) => retries.push(i),
    });
    const response = await clock.runUntil(fetch(`${BASE}/mcp`, rpcInit(rpc("tools/list"))));
    expect(await response.json()).toEqual({ jsonrpc: "2.0", id: 1, result: { ok: true } });
    expect(htmlRead).toBe(false);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, status: 502, sharedWait: true });
    expect(retries[0]?.cause.code).toBe("HTTP_ERROR");
  });

  it("backs off with full jitter on its own when no episode is shared", async () => {
    const clock = createManualClock();
    const server = scriptedFetch(clock, (_r, index) =>
      index < 3 ? badGateway() : json({ done: true }),
    );
    const fetch = createResilientFetch({
      fetch: server.fetch,
      clock,
      episode: false,
      retry: { random: () => 0.999, minDelayMs: 1_000, maxDelayMs: 3_000 },
    });
    await clock.runUntil(fetch(`${BASE}/mcp/tools`));
    const gaps = server.seen.slice(1).map((s, i) => s.at - server.seen[i]!.at);
    expect(gaps).toEqual([999, 1_998, 2_997]);
    expect(server.count("/healthcheck")).toBe(0);
  });

  it("sends the same request body on every attempt, from a Request too", async () => {
    const clock = createManualClock();
    const server = scriptedFetch(clock, (_r, index) => (index < 2 ? badGateway() : json({})));
    const fetch = createResilientFetch({
      fetch: server.fetch,
      clock,
      episode: false,
      resendable: ({ toolName }) => toolName === "plan_status",
    });
    const body = rpc("tools/call", { name: "plan_status", arguments: { plan_id: "x" } });
    await clock.runUntil(fetch(new Request(`${BASE}/mcp`, rpcInit(body))));
    expect(server.seen.map((s) => s.body)).toEqual([body, body, body]);
  });
});

describe("429", () => {
  it("waits exactly Retry-After seconds", async () => {
    const clock = createManualClock();
    const server = scriptedFetch(clock, (_r, index) =>
      index === 0
        ? json({ detail: "Rate limit exceeded" }, { status: 429, headers: { "retry-after": "7" } })
        : json({ ok: true }),
    );
    const fetch = createResilientFetch({ fetch: server.fetch, clock });
    const response = await clock.runUntil(fetch(`${BASE}/mcp/tools`));
    expect(response.status).toBe(200);
    expect(server.seen.map((s) => s.at - server.seen[0]!.at)).toEqual([0, 7_000]);
    expect(server.count("/healthcheck")).toBe(0);
  });

  it("waits until a Retry-After HTTP-date", async () => {
    const clock = createManualClock();
    const at = new Date(clock.now() + 12_000).toUTCString();
    const server = scriptedFetch(clock, (_r, index) =>
      index === 0 ? new Response(null, { status: 429, headers: { "retry-after": at } }) : json({}),
    );
    const fetch = createResilientFetch({ fetch: server.fetch, clock });
    await clock.runUntil(fetch(`${BASE}/mcp/tools`));
    expect(server.seen[1]!.at - server.seen[0]!.at).toBe(12_000);
  });

  it("without Retry-After (PlanExe) tries again every rateLimitDelayMs, not doubling", async () => {
    const clock = createManualClock();
    const server = scriptedFetch(clock, (_r, index) =>
      index < 3 ? json({ detail: "Rate limit exceeded" }, { status: 429 }) : json({}),
    );
    const fetch = createResilientFetch({
      fetch: server.fetch,
      clock,
      retry: { random: () => 0.5 },
    });
    await clock.runUntil(fetch(`${BASE}/mcp/tools`));
    const gaps = server.seen.slice(1).map((s, i) => s.at - server.seen[i]!.at);
    expect(gaps).toEqual([1_000, 1_000, 1_000]);
    expect(server.count("/healthcheck")).toBe(0);
  });

  it("one 429 holds the other calls of the same client too", async () => {
    const clock = createManualClock();
    let limited = true;
    const server = scriptedFetch(clock, () => {
      if (!limited) return json({});
      limited = false;
      return json({}, { status: 429, headers: { "retry-after": "5" } });
    });
    const fetch = createResilientFetch({ fetch: server.fetch, clock });
    await clock.runUntil(fetch(`${BASE}/a`));
    const later = [fetch(`${BASE}/b`), fetch(`${BASE}/c`)];
    await clock.runUntil(Promise.all(later));
    expect(server.seen.map((s) => s.at - server.seen[0]!.at)).toEqual([0, 5_000, 5_000, 5_000]);
  });
});

describe("429 holds only the calls made with the same key", () => {
  it("a call with another key goes at once; one with the same key waits for the try that gets through", async () => {
    const clock = createManualClock();
    const start = clock.now();
    let refusing = true;
    const server = scriptedFetch(clock, (request) => {
      const key = request.headers.get("x-api-key") ?? request.headers.get("authorization");
      if (refusing && key === "pex_key_one_000000") return json({}, { status: 429 });
      return json({ ok: true });
    });
    const fetch = createResilientFetch({
      fetch: server.fetch,
      clock,
      retry: { random: () => 0.5 },
    });
    const call = (headers: Record<string, string>) =>
      fetch(`${BASE}/mcp`, rpcInit(rpc("tools/call", { name: "plan_status" }), headers));
    const first = call({ "x-api-key": "pex_key_one_000000" });
    await clock.advance(0);
    // PlanExe reads `Authorization: Bearer` as the same key: that call is held too.
    const same = call({ authorization: "Bearer pex_key_one_000000" });
    const other = call({ "x-api-key": "pex_key_two_000000" });
    await clock.advance(0);
    expect((await other).status).toBe(200);
    await clock.advance(1_000);
    await clock.advance(1_000);
    refusing = false;
    await clock.advance(1_000);
    await clock.runUntil(Promise.all([first, same]));
    const byKey = (key: string) =>
      server.seen
        .filter((s) =>
          (s.headers.get("x-api-key") ?? s.headers.get("authorization"))?.endsWith(key),
        )
        .map((s) => s.at - start);
    // Key one: its first two calls, then one try a second (not one per waiting call), then the other.
    expect(byKey("pex_key_one_000000")).toEqual([0, 1_000, 2_000, 3_000, 3_000]);
    expect(byKey("pex_key_two_000000")).toEqual([0]);
  });
});

describe("PlanExe's two budgets", () => {
  it("a download's 429 (10 a minute) does not hold the tool calls of the same key", async () => {
    const clock = createManualClock();
    const start = clock.now();
    const server = scriptedFetch(clock, (request) =>
      request.path.startsWith("/download/") && clock.now() - start < 3_000
        ? json({ detail: "Download rate limit exceeded" }, { status: 429 })
        : json({ ok: true }),
    );
    const fetch = createResilientFetch({
      fetch: server.fetch,
      clock,
      retry: { random: () => 0.5 },
    });
    const headers = { "x-api-key": "pex_two_budgets_key_00" };
    const download = fetch(`${BASE}/download/p1/report.html`, { headers });
    await clock.advance(0);
    const call = await fetch(
      `${BASE}/mcp`,
      rpcInit(rpc("tools/call", { name: "plan_status" }), headers),
    );
    expect(call.status).toBe(200);
    expect(clock.now() - start).toBe(0);
    expect((await clock.runUntil(download)).status).toBe(200);
    expect(
      server.seen.filter((s) => s.path.startsWith("/download/")).map((s) => s.at - start),
    ).toEqual([0, 1_000, 2_000, 3_000]);
  });
});

describe("answers that are not transient come back at once", () => {
  for (const status of [400, 401, 403, 404]) {
    it(`HTTP ${status}: one request, returned as is`, async () => {
      const clock = createManualClock();
      const server = scriptedFetch(clock, () => json({ detail: "Invalid API key" }, { status }));
      const fetch = createResilientFetch({ fetch: server.fetch, clock });
      const response = await clock.runUntil(
        fetch(
          `${BASE}/mcp/tools/call`,
          rpcInit('{"tool":"plan_list","arguments":{}}', { "x-api-key": KEY }),
        ),
      );
      expect(response.status).toBe(status);
      await clock.advance(300_000);
      expect(server.seen).toHaveLength(1);
    });
  }

  it("a JSON-RPC -32001 (bad API key, HTTP 200) is not retried", async () => {
    const clock = createManualClock();
    const error = { jsonrpc: "2.0", id: 1, error: { code: -32001, message: "Invalid API key" } };
    const server = scriptedFetch(clock, () => json(error));
    const fetch = createResilientFetch({ fetch: server.fetch, clock });
    const response = await clock.runUntil(
      fetch(`${BASE}/mcp`, rpcInit(rpc("tools/call", { name: "plan_list" }), { "x-api-key": KEY })),
    );
    expect(await response.json()).toEqual(error);
    await clock.advance(300_000);
    expect(server.seen).toHaveLength(1);
  });
});

describe("giving up", () => {
  it("throws DEADLINE_EXCEEDED after the deadline, with no secret in the error", async () => {
    const clock = createManualClock();
    const planId = "0b5e1a8e-3f4c-4c8e-9d5e-1a2b3c4d5e6f";
    const server = scriptedFetch(clock, () => badGateway());
    const fetch = createResilientFetch({
      fetch: server.fetch,
      clock,
      retry: { deadlineMs: 60_000 },
    });
    const started = clock.now();
    const call = fetch(`${BASE}/download/${planId}/report.html?token=tok_abcdef123`, {
      headers: { "x-api-key": KEY, authorization: `Bearer ${KEY}` },
    });
    const error = await clock.runUntil(call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(isPlanExeError(error)).toBe(true);
    const transport = error as TransportError;
    expect(transport.code).toBe("DEADLINE_EXCEEDED");
    expect(transport.status).toBe(502);
    // One attempt: after it, the call waited on the shared probe (~1 per second), which never saw the server.
    expect(transport.attempts).toBe(1);
    expect(server.count("/healthcheck")).toBeGreaterThan(50);
    expect(server.count("/healthcheck")).toBeLessThanOrEqual(61);
    expect(clock.now() - started).toBeLessThanOrEqual(61_000);
    const shown = `${transport.message} ${JSON.stringify(transport)} ${String(transport.stack)}`;
    for (const secret of [KEY, planId, "tok_abcdef123"]) expect(shown).not.toContain(secret);
  });

  it("the default deadline covers a 120 s window", async () => {
    const clock = createManualClock();
    const start = clock.now();
    const server = scriptedFetch(clock, () =>
      clock.now() - start < 120_000 ? badGateway() : json({ ok: true }),
    );
    const fetch = createResilientFetch({ fetch: server.fetch, clock });
    const response = await clock.runUntil(fetch(`${BASE}/mcp/tools`));
    expect(response.status).toBe(200);
    expect(clock.now() - start).toBeLessThan(121_000);
  });
});

describe("abort", () => {
  for (const episode of [false, undefined] as const) {
    it(`an abort during a wait rejects at once with signal.reason and sends nothing more (${episode === false ? "own backoff" : "shared episode"})`, async () => {
      const clock = createManualClock();
      const server = scriptedFetch(clock, (r) =>
        r.path === "/healthcheck" ? badGateway() : badGateway(),
      );
      const fetch = createResilientFetch({
        fetch: server.fetch,
        clock,
        ...(episode === false && { episode }),
        retry: { minDelayMs: 5_000, random: () => 0.9 },
      });
      const controller = new AbortController();
      const call = fetch(`${BASE}/mcp/tools`, { signal: controller.signal });
      const outcome = call.then(
        () => "resolved",
        (e: unknown) => e,
      );
      await clock.advance(1_000);
      const sent = server.seen.length;
      expect(sent).toBeGreaterThanOrEqual(1);
      const reason = new Error("user cancelled");
      controller.abort(reason);
      await clock.settle();
      expect(await outcome).toBe(reason);
      await clock.advance(300_000);
      expect(server.seen.length).toBe(sent);
    });
  }

  it("an already aborted signal sends nothing", async () => {
    const clock = createManualClock();
    const server = scriptedFetch(clock, () => json({}));
    const fetch = createResilientFetch({ fetch: server.fetch, clock });
    const reason = new Error("no");
    await expect(fetch(`${BASE}/x`, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(server.seen).toHaveLength(0);
  });

  it("the client-wide signal aborts calls too", async () => {
    const clock = createManualClock();
    const server = scriptedFetch(clock, () => badGateway());
    const controller = new AbortController();
    const fetch = createResilientFetch({ fetch: server.fetch, clock, signal: controller.signal });
    const call = fetch(`${BASE}/x`).catch((e: unknown) => e);
    await clock.advance(2_000);
    controller.abort(new Error("client closed"));
    await clock.settle();
    expect(((await call) as Error).message).toBe("client closed");
  });
});

describe("what hooks and logs are told", () => {
  it("onRetry and log lines name the request without the key, the plan id or a token", async () => {
    const clock = createManualClock();
    const planId = "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f";
    const server = scriptedFetch(clock, (r, index) =>
      r.path === "/healthcheck" || index > 1
        ? json({})
        : Promise.reject(
            new TypeError("fetch failed", {
              cause: Object.assign(new Error(`connect ECONNREFUSED ${KEY}`), {
                code: "ECONNREFUSED",
              }),
            }),
          ),
    );
    const lines: string[] = [];
    const infos: RetryInfo[] = [];
    const fetch = createResilientFetch({
      fetch: server.fetch,
      clock,
      secrets: ["extra-secret-value"],
      logger: { warn: (line) => lines.push(line) },
      onRetry: (info) => infos.push(info),
    });
    await clock.runUntil(
      fetch(`${BASE}/sse/plan/${planId}?token=extra-secret-value`, {
        headers: { authorization: `Bearer ${KEY}` },
      }),
    );
    expect(infos).toHaveLength(1);
    expect(infos[0]?.url).toBe(`${BASE}/sse/plan/***?token=***`);
    expect(lines).toHaveLength(1);
    const shown = [...lines, infos[0]?.cause.message, JSON.stringify(infos[0])].join("\n");
    for (const secret of [KEY, planId, "extra-secret-value"]) expect(shown).not.toContain(secret);
  });
});

describe("requestInit", () => {
  it("adds fields such as an undici dispatcher to every attempt, the caller's init winning", async () => {
    const clock = createManualClock();
    const inits: RequestInit[] = [];
    const dispatcher = { name: "tuned agent" };
    const fetch = createResilientFetch({
      clock,
      episode: false,
      requestInit: { dispatcher, cache: "no-store" },
      fetch: async (_input, init) => {
        inits.push(init ?? {});
        return inits.length === 1 ? badGateway() : json({});
      },
    });
    await clock.runUntil(fetch(`${BASE}/mcp/tools`, { cache: "reload" }));
    expect(inits).toHaveLength(2);
    for (const init of inits) {
      expect((init as { dispatcher?: unknown }).dispatcher).toBe(dispatcher);
      expect(init.cache).toBe("reload");
      expect(init.redirect).toBe("manual");
    }
  });
});
