import { describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";
import { openSdkPage, useBrowserSuite } from "./harness.js";

// A server whose CORS list does not name the page's origin (PlanExe with auth on and
// PLANEXE_MCP_CORS_ORIGINS unset allows only its own sites).
const suite = useBrowserSuite(() =>
  startEmulator({ port: 0, replicas: 1, corsOrigins: ["https://home.planexe.org"] }),
);

describe("a page whose origin the server does not allow", () => {
  it("sees the server as down: the call ends with DEADLINE_EXCEEDED at its deadline, and the console says CORS", async () => {
    const { page, record } = await openSdkPage(suite.browser, suite.pages.url);
    const outcome = await page.evaluate(async (base) => {
      const client = new window.sdk.PlanExeClient({ baseUrl: base, retry: { deadlineMs: 1500 } });
      const started = performance.now();
      const code = await client.examplePrompts().then(
        () => "answered",
        (error: { code?: string }) => String(error.code),
      );
      await client.close();
      return { code, ms: performance.now() - started };
    }, suite.emulator.url);

    expect(outcome.code).toBe("DEADLINE_EXCEEDED");
    expect(outcome.ms).toBeGreaterThanOrEqual(1400);
    expect(outcome.ms).toBeLessThan(5000);
    expect(record.console.some((line) => line.includes("blocked by CORS policy"))).toBe(true);
    // The server did answer: Node, which sends no Origin, reads it fine.
    expect((await fetch(`${suite.emulator.url}/healthcheck`)).status).toBe(200);
  });
});
