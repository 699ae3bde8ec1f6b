import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startFastEmulator } from "../emulator/helpers.js";
import { openPage, openSdkPage, SCREENSHOTS, useBrowserSuite } from "./harness.js";

// examples/browser/ as a client author would run it: typed into, through a restart
// deploy, to the report link. Screenshots land in test/browser/screenshots/.
const KEY = "pex_browser_example_key";
// The page is on a loopback port: the emulator allows any origin (PlanExe's default with
// auth on is its two sites only).
const suite = useBrowserSuite(() =>
  startFastEmulator(1000, { apiKeys: [KEY], planSeconds: 8, corsOrigins: ["*"] }),
);

describe("examples/browser", () => {
  it("creates a plan, says the server is deploying while it is, and links the report when done", async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const { emulator, browser, pages } = suite;
    const { page, record } = await openPage(
      browser,
      `${pages.url}/example/?server=${encodeURIComponent(emulator.url)}`,
    );
    await page.fill("input[name=key]", KEY);
    await page.click("button[type=submit]");
    await page.waitForFunction(
      () => (document.getElementById("bar") as HTMLProgressElement).value > 0,
      undefined,
      { timeout: 20_000 },
    );

    const deploying = emulator.deploy({ mode: "restart", windowMs: 2000, graceMs: 500 });
    const notice = page.locator("#notice");
    await notice.waitFor({ state: "visible", timeout: 10_000 });
    await page.screenshot({ path: join(SCREENSHOTS, "example-deploying.png"), fullPage: true });
    expect(await notice.textContent()).toBe("server deploying — reconnecting");
    const midway = await page.locator("#bar").evaluate((bar) => (bar as HTMLProgressElement).value);
    expect(midway).toBeGreaterThan(0);
    expect(midway).toBeLessThan(100);

    const report = await deploying;
    expect(report.unavailableMs).toBeGreaterThanOrEqual(2000);
    const link = page.locator("#result a");
    await link.waitFor({ state: "visible", timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOTS, "example-completed.png"), fullPage: true });
    expect(await notice.isHidden()).toBe(true);
    expect(await page.locator("#state").textContent()).toBe("completed — 100 %");
    expect(await link.textContent()).toBe("Open the report");
    const href = (await link.getAttribute("href")) ?? "";
    expect(href).toMatch(
      new RegExp(`^${emulator.url}/download/[0-9a-f-]{36}/report\\.html\\?token=`),
    );
    // The link works as it is (its token is the credential), and the page threw nothing.
    const download = await fetch(href);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toContain("text/html");
    await download.body?.cancel();
    expect(record.errors).toEqual([]);

    // The SDK's own download works cross-origin too: PlanExe's CORS covers /download,
    // content-length is a safelisted header, and the SHA-256 check uses Web Crypto.
    const planId = /\/download\/([^/]+)\//.exec(href)?.[1] ?? "";
    const sdkPage = await openSdkPage(browser, pages.url);
    const downloaded = await sdkPage.page.evaluate(
      async ({ base, key, id }) => {
        const client = new window.sdk.PlanExeClient({ baseUrl: base, apiKey: key });
        const file = await client.download(id, { artifact: "report" });
        await client.close();
        return { size: file.bytes.length, sha256: file.sha256, type: file.content_type };
      },
      { base: emulator.url, key: KEY, id: planId },
    );
    const bytes = new Uint8Array(await (await fetch(href)).arrayBuffer());
    expect(downloaded).toMatchObject({ size: bytes.length, type: "text/html; charset=utf-8" });
    expect(downloaded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
