import { describe, expect, it } from "vitest";
import { DEMO, requireBuild, runCli } from "./helpers.js";

describe("npm run demo (tiny times)", () => {
  it("survives a rolling and a restart deploy mid-plan and sums up with nothing lost", async () => {
    requireBuild();
    const run = await runCli(DEMO, [
      "--plan-seconds",
      "8",
      "--rolling-at",
      "1s",
      "--restart-at",
      "3s",
      "--restart-window",
      "1s",
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    const notes = lines.filter((line) => line.type === "note").map((line) => line.message);
    expect(notes.some((note) => note.startsWith("rolling deploy done"))).toBe(true);
    expect(notes.some((note) => note.startsWith("restart deploy done"))).toBe(true);
    const summary = lines.at(-1);
    expect(summary).toMatchObject({
      type: "summary",
      ok: true,
      plan_state: "completed",
      calls_failed: 0,
      completes: 1,
      events_duplicated: 0,
    });
    expect(summary.calls_made).toBeGreaterThan(1);
    expect(summary.reconnects).toBeGreaterThanOrEqual(1);
    expect(summary.deploys).toHaveLength(2);
  }, 120_000);
});
