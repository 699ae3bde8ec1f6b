import { describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";

describe("startEmulator options", () => {
  it("says how to fix a bad option before starting any process", async () => {
    await expect(startEmulator({ port: 0, planSeconds: 0 })).rejects.toThrow(
      "`planSeconds` must be a finite number > 0, got 0.",
    );
    await expect(startEmulator({ port: 0, replicas: 0 })).rejects.toThrow(
      "`replicas` must be a whole number >= 1",
    );
    await expect(startEmulator({ port: 0, drainRetryMs: 2.5 })).rejects.toThrow(
      "`drainRetryMs` must be a whole number of ms",
    );
    await expect(startEmulator({ port: 0, corsOrigins: ["localhost:5173"] })).rejects.toThrow(
      '`corsOrigins` must be an array of origins like "http://localhost:5173", or ["*"].',
    );
    await expect(startEmulator({ port: 0, rateLimit: { limit: -1 } })).rejects.toThrow(
      "`rateLimit` must be true, false or { limit?, windowMs?, downloadLimit?, retryAfterSeconds? }",
    );
  });

  it("tells the user to pick another port when the port is taken", async () => {
    const { createServer } = await import("node:http");
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      await expect(startEmulator({ port, replicas: 1 })).rejects.toMatchObject({
        code: "START_FAILED",
        message: expect.stringContaining(`Port ${port} is in use`),
      });
    } finally {
      taken.close();
    }
  }, 30_000);
});
