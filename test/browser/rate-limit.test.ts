import { describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";
import { openSdkPage, useBrowserSuite } from "./harness.js";

// PlanExe exposes no response header to scripts, so a browser hides `Retry-After`
// (it is not CORS-safelisted). The emulator here sends `Retry-After: 1` with its 429s
// (PlanExe itself sends none); the page must not depend on it, nor hammer the server.
const RATE_LIMIT_DELAY_MS = 2500;
const suite = useBrowserSuite(() =>
  startEmulator({
    port: 0,
    replicas: 1,
    healthIntervalMs: 100,
    graceMs: 500,
    rateLimit: { limit: 6, windowMs: 2000, retryAfterSeconds: 1 },
    // The page is on a loopback port; with auth on PlanExe allows only its two sites.
    corsOrigins: ["*"],
  }),
);

describe("a 429 in Chromium, whose Retry-After the page cannot read", () => {
  it("(c) waits the SDK's own bounded delay after each 429, sends nothing meanwhile, and every call succeeds", async () => {
    const { page, record } = await openSdkPage(suite.browser, suite.pages.url);
    const result = await page.evaluate(
      async ({ base, delay }) => {
        const client = new window.sdk.PlanExeClient({
          baseUrl: base,
          // No jitter: each wait is exactly `delay` (the default random spreads it ± 20 %).
          retry: { rateLimitDelayMs: delay, random: () => 0.5 },
        });
        const started = performance.now();
        for (let i = 0; i < 10; i++) await client.examplePrompts();
        const elapsedMs = performance.now() - started;
        await client.close();
        // What a script sees of a 429: the status and body (PlanExe adds CORS headers to it), no Retry-After.
        for (let i = 0; i < 20; i++) {
          const response = await fetch(`${base}/mcp/tools/call`, {
            method: "POST",
            headers: { "content-type": "text/plain" },
            body: JSON.stringify({ tool: "example_prompts", arguments: {} }),
          });
          if (response.status === 429)
            return {
              elapsedMs,
              raw: { retryAfter: response.headers.get("retry-after"), body: await response.text() },
            };
        }
        return { elapsedMs, raw: undefined };
      },
      { base: suite.emulator.url, delay: RATE_LIMIT_DELAY_MS },
    );

    expect(result.raw).toEqual({ retryAfter: null, body: '{"detail":"Rate limit exceeded"}' });
    const posts = record.requests.filter((r) => r.method === "POST" && r.url.endsWith("/mcp"));
    const limited = record.responses.filter(
      (r) => r.method === "POST" && r.url.endsWith("/mcp") && r.status === 429,
    );
    // The network carried `Retry-After: 1`; the SDK waited its own delay instead, once per 429.
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited.length).toBeLessThanOrEqual(3);
    for (const answer of limited) {
      expect(answer.headers["retry-after"]).toBe("1");
      const next = posts.find((r) => r.at > answer.at);
      expect(next, "a request after the 429").toBeDefined();
      const gap = (next?.at ?? 0) - answer.at;
      expect(gap).toBeGreaterThanOrEqual(RATE_LIMIT_DELAY_MS - 100);
      expect(gap).toBeLessThan(RATE_LIMIT_DELAY_MS + 2000);
    }
    // No request failed outright (a rate-limited preflight would be an opaque TypeError);
    // aborts are the SDK dropping bodies it does not read (the 429s', the 405 of the MCP SDK's GET).
    expect(record.failed.filter((f) => f.error !== "net::ERR_ABORTED")).toEqual([]);
    expect(result.elapsedMs).toBeLessThan(limited.length * (RATE_LIMIT_DELAY_MS + 2000) + 5000);
  });
});

describe("a 429 on the preflight itself (PlanExe's limit counts OPTIONS of /mcp)", () => {
  const limited = useBrowserSuite(() =>
    startEmulator({
      port: 0,
      replicas: 1,
      healthIntervalMs: 100,
      graceMs: 500,
      rateLimit: { limit: 3, windowMs: 5000 },
      corsOrigins: ["*"],
    }),
  );

  it("(c) reaches the page as a bare TypeError, yet the SDK backs off instead of hammering until the window passes", async () => {
    const { page, record } = await openSdkPage(limited.browser, limited.pages.url);
    // Spend the budget (the page shares the loopback address) so the page's first preflight gets 429.
    const spent = Date.now();
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${limited.emulator.url}/mcp/tools/call`, {
        method: "POST",
        body: JSON.stringify({ tool: "example_prompts", arguments: {} }),
      });
      await response.body?.cancel();
    }
    const outcome = await page.evaluate(async (base) => {
      const client = new window.sdk.PlanExeClient({
        baseUrl: base,
        retry: { rateLimitDelayMs: 2000 },
      });
      const result = await client.examplePrompts().then(
        (answer) => `${answer.samples.length} samples`,
        (error: Error) => `${error.name}: ${error.message}`,
      );
      await client.close();
      return result;
    }, limited.emulator.url);

    const answeredAt = Date.now();
    expect(outcome).toMatch(/^\d+ samples$/);
    // Until the window let a preflight through, every POST failed with no status at all.
    const blocked = record.failed.filter(
      (r) => r.method === "POST" && r.url.endsWith("/mcp") && r.error === "net::ERR_FAILED",
    );
    const windowEnd = spent + 5000;
    expect(blocked.length).toBeGreaterThanOrEqual(2);
    // Resent at probe speed (~8 a second) that would be 40; each flap doubles the wait.
    expect(blocked.length).toBeLessThanOrEqual(10);
    // And it got through soon after the window (a flap waits at most 8 probe intervals, then
    // a visible 429 may cost one rate-limit delay), far inside the 180 s deadline.
    expect(answeredAt - windowEnd).toBeLessThan(20_000);
  });
});
