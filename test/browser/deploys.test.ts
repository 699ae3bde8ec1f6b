import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { PlanExeClient } from "../../src/client.js";
import { startFastEmulator, waitFor } from "../emulator/helpers.js";
import { openSdkPage, useBrowserSuite } from "./harness.js";

// The built root entry in Chromium, on a page whose origin is not the emulator's:
// every call is cross-origin, so it meets PlanExe's CORS, its preflights, and the
// edge's 502 page without CORS headers (an opaque TypeError to the page).
const KEY = "pex_browser_deploy_key";
// The page is served from a loopback port, so the emulator allows any origin (as a
// self-hoster sets PLANEXE_MCP_CORS_ORIGINS); with auth on it would allow only PlanExe's
// two sites. The proposal is on: (b) holds the browser to its Last-Event-ID resume.
const suite = useBrowserSuite(() =>
  startFastEmulator(1000, { apiKeys: [KEY], corsOrigins: ["*"], proposal: true }),
);

describe("the root entry in Chromium, cross-origin, through emulator deploys", () => {
  it("(a) PlanExeClient calls ride out a restart deploy: none fails, though the page sees the 502 only as a TypeError", async () => {
    const { page, record } = await openSdkPage(suite.browser, suite.pages.url);
    const running = page.evaluate(
      async ({ base, key }) => {
        const warnings: string[] = [];
        const client = new window.sdk.PlanExeClient({
          baseUrl: base,
          apiKey: key,
          retry: { maxDelayMs: 1000 },
          logger: { warn: (line) => warnings.push(line) },
        });
        const plan = await client.createPlan("A bakery in Lisbon (browser, restart)");
        const calls: Array<Promise<unknown>> = [];
        window.progress = 0;
        while (!window.stopNow) {
          calls.push(
            client.getStatus(plan.plan_id).then(() => {
              window.progress = (window.progress ?? 0) + 1;
            }),
          );
          if (calls.length % 5 === 0) calls.push(client.listPlans({ limit: 5 }));
          await new Promise((resolve) => setTimeout(resolve, 150));
        }
        calls.push(client.createPlan("A plan created right after the deploy"));
        const settled = await Promise.allSettled(calls);
        await client.close();
        return {
          calls: settled.length,
          failed: settled.flatMap((s) => (s.status === "rejected" ? [String(s.reason)] : [])),
          warnings,
        };
      },
      { base: suite.emulator.url, key: KEY },
    );
    await waitFor(() => page.evaluate(() => (window.progress ?? 0) >= 2), {
      what: "the page's first calls",
      timeoutMs: 20_000,
    });
    const deploying = suite.emulator.deploy({ mode: "restart", windowMs: 1500, graceMs: 500 });
    // In the window Node's fetch reads the edge's 502; the page's own fetch cannot.
    await waitFor(async () => (await fetch(`${suite.emulator.url}/healthcheck`)).status === 502, {
      what: "the restart window",
    });
    const seenByPage = await page.evaluate(
      (base) =>
        fetch(`${base}/healthcheck`).then(
          (response) => `HTTP ${response.status}`,
          (error: Error) => `${error.name}: ${error.message}`,
        ),
      suite.emulator.url,
    );
    const report = await deploying;
    await page.evaluate(() => {
      window.stopNow = true;
    });
    const result = await running;

    expect(seenByPage).toBe("TypeError: Failed to fetch");
    expect(report.unavailableMs).toBeGreaterThanOrEqual(1500);
    expect(result.failed).toEqual([]);
    expect(result.calls).toBeGreaterThan(10);
    // The calls met the outage and were retried; the 502 reached them as a network failure.
    expect(result.warnings.length).toBeGreaterThan(0);
    expect(result.warnings.filter((line) => line.includes("HTTP 502"))).toEqual([]);
    // While down, the calls waited on one health probe a second instead of each resending:
    // few /mcp attempts failed (those in flight when the outage began), probes kept to ~1/s.
    const failed = (path: string) =>
      record.failed.filter(
        (r) => r.error !== "net::ERR_ABORTED" && new URL(r.url).pathname === path,
      ).length;
    const probes = failed("/healthcheck") - 1; // the page's own fetch above is one
    expect(probes).toBeGreaterThanOrEqual(1);
    expect(probes).toBeLessThanOrEqual(Math.ceil(report.unavailableMs / 1000) + 2);
    expect(failed("/mcp")).toBeLessThanOrEqual(8);
    // Every request carried the key as a header (hence a preflight), never in the URL.
    const mcp = record.requests.filter((r) => new URL(r.url).pathname === "/mcp");
    expect(mcp.length).toBeGreaterThan(10);
    expect(mcp.every((r) => r.headers["x-api-key"] === KEY && !r.url.includes(KEY))).toBe(true);
  });

  it("(b) watchPlan and client.watch ride out a rolling deploy: resumed by Last-Event-ID, exactly one complete each", async () => {
    const node = new PlanExeClient({ baseUrl: suite.emulator.url, apiKey: KEY });
    const plan = await node.createPlan("A ferry line to Tromsø (browser, rolling)");
    const { page, record } = await openSdkPage(suite.browser, suite.pages.url);
    const running = page.evaluate(
      async ({ base, key, planId, sseUrl }) => {
        const seen = new Set<string>();
        const collect = async (name: string, watch: AsyncIterable<{ type: string }>) => {
          const events: Array<Record<string, unknown>> = [];
          for await (const event of watch) {
            events.push(event as Record<string, unknown>);
            if (event.type === "status") seen.add(name);
            window.progress = seen.size;
          }
          return events;
        };
        const client = new window.sdk.PlanExeClient({
          baseUrl: base,
          apiKey: key,
          retry: { maxDelayMs: 1000 },
        });
        const [plain, viaClient] = await Promise.all([
          collect("watchPlan", window.sdk.watchPlan(sseUrl, { retry: { maxDelayMs: 1000 } })),
          collect("client.watch", client.watch(planId)),
        ]);
        await client.close();
        return { plain, viaClient };
      },
      {
        base: suite.emulator.url,
        key: KEY,
        planId: plan.plan_id,
        sseUrl: plan.sse_url ?? `${suite.emulator.url}/sse/plan/${plan.plan_id}`,
      },
    );
    await waitFor(() => page.evaluate(() => window.progress === 2), {
      what: "a status on both watchers",
      timeoutMs: 20_000,
    });
    const report = await suite.emulator.deploy({ mode: "rolling", graceMs: 1000 });
    await node.stopPlan(plan.plan_id);
    const { plain, viaClient } = await running;
    await node.close();

    expect(report.unavailableMs).toBe(0);
    for (const events of [plain, viaClient]) {
      const completes = events.filter((e) => e.type === "complete");
      expect(completes).toHaveLength(1);
      expect(completes[0]).toMatchObject({ plan_id: plan.plan_id, state: "stopped" });
      expect(events.at(-1)?.type).toBe("complete");
      expect(events.some((e) => e.type === "reconnecting")).toBe(true);
      // Each snapshot once, in order: no progress value twice or going back.
      const progress = events.flatMap((e) =>
        e.type === "status" && e.state === "processing" ? [e.progress_percentage as number] : [],
      );
      expect(progress).toEqual([...new Set(progress)].sort((a, b) => a - b));
    }
    // The reconnects (a preflighted request: Last-Event-ID is no safelisted header) resumed by id.
    const resumed = record.requests.filter(
      (r) => r.url.includes(`/sse/plan/${plan.plan_id}`) && r.headers["last-event-id"],
    );
    expect(resumed.length).toBeGreaterThanOrEqual(2);
    for (const r of resumed) expect(r.headers["last-event-id"]).toMatch(/^1\.0\.processing\.\d+$/);
  });

  it("(d) the key never appears in a console line or in an error the page can read", async () => {
    const WRONG = "pex_wrong_browser_key_9d2e";
    const dead = await closedPortUrl();
    const { page, record } = await openSdkPage(suite.browser, suite.pages.url);
    const running = page.evaluate(
      async ({ base, key, wrong, deadUrl }) => {
        const { PlanExeClient } = window.sdk;
        const texts: string[] = [];
        const codes: string[] = [];
        // Everything a page could read off an error and its causes, and the browser's own rendering of it.
        const read = (error: unknown) => {
          console.error(error);
          codes.push(String((error as { code?: unknown }).code));
          let e: unknown = error;
          for (let depth = 0; e !== undefined && e !== null && depth < 6; depth++) {
            const err = e as Error & { cause?: unknown };
            texts.push(String(err), err.message ?? "", err.stack ?? "");
            try {
              texts.push(JSON.stringify(err), JSON.stringify(Object.entries(err)));
            } catch {}
            e = typeof e === "object" ? err.cause : undefined;
          }
        };
        // Calls through the deploy, with the SDK logging to the console.
        const good = new PlanExeClient({
          baseUrl: base,
          apiKey: key,
          retry: { maxDelayMs: 500 },
          logger: console,
        });
        const plan = await good.createPlan("A bakery in Porto (browser, secrets)");
        window.progress = 0;
        while (!window.stopNow) {
          await good.getStatus(plan.plan_id).catch(read);
          window.progress += 1;
        }
        await good.close();
        // A wrong key, and a server that is down for good.
        const bad = new PlanExeClient({ baseUrl: base, apiKey: wrong, logger: console });
        await bad.listPlans().catch(read);
        await bad.close();
        const down = new PlanExeClient({
          baseUrl: deadUrl,
          apiKey: key,
          retry: { deadlineMs: 1500, maxDelayMs: 300 },
          logger: console,
        });
        await down.getStatus(plan.plan_id).catch(read);
        await down.close();
        return { texts, codes };
      },
      { base: suite.emulator.url, key: KEY, wrong: WRONG, deadUrl: dead },
    );
    await waitFor(() => page.evaluate(() => (window.progress ?? 0) >= 1), {
      what: "the page's first call",
      timeoutMs: 20_000,
    });
    await suite.emulator.deploy({ mode: "restart", windowMs: 800, graceMs: 500 });
    await page.evaluate(() => {
      window.stopNow = true;
    });
    const { texts, codes } = await running;

    expect(codes).toEqual(["AUTH_FAILED", "DEADLINE_EXCEEDED"]);
    // The SDK did log (the deploy and the dead server), and the key did go out, as a header.
    expect(
      record.console.filter((line) => line.startsWith("warning: planexe-client")).length,
    ).toBeGreaterThan(0);
    expect(record.requests.some((r) => r.headers["x-api-key"] === WRONG)).toBe(true);
    const seen = [...texts, ...record.console, ...record.errors];
    expect(seen.length).toBeGreaterThan(10);
    for (const secret of [KEY, WRONG])
      expect(seen.filter((text) => text.includes(secret))).toEqual([]);
  });
});

/** A loopback URL nobody listens on (a server down for good). */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
