import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/against-the-emulator.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

describe("examples/against-the-emulator.ts", () => {
  it("takes a plan through a restart deploy of the emulator to a checked report", async () => {
    const run = await runCli("--import", [TSX, EXAMPLE], { PLAN_SECONDS: "4", WINDOW_MS: "500" });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/restart deploy: no replica for \d+ ms; [1-9]\d* reconnects/);
    expect(run.stdout).toMatch(/plan completed; 20 files; report \d+ bytes/);
  }, 120_000);
});
