import { describe, expect, it } from "vitest";
import {
  CompleteEventDataSchema,
  isTerminalState,
  parseEventId,
  StatusEventDataSchema,
  snapshotEventId,
} from "../../src/protocol/index.js";

describe("event ids derived from snapshots", () => {
  it("are the same for the same snapshot on any replica", () => {
    const snapshot = {
      plan_id: "p",
      state: "processing" as const,
      progress_percentage: 42.5,
      elapsed_sec: 10,
    };
    expect(snapshotEventId(snapshot)).toBe("1.0.processing.425");
    const later = { ...snapshot, elapsed_sec: 99 };
    expect(snapshotEventId(later)).toBe("1.0.processing.425");
    expect(snapshotEventId({ ...snapshot, run: 2 })).toBe("1.2.processing.425");
  });

  it("change when state or progress changes", () => {
    const a = snapshotEventId({ state: "processing", progress_percentage: 50 });
    const b = snapshotEventId({ state: "processing", progress_percentage: 50.1 });
    const c = snapshotEventId({ state: "completed", progress_percentage: 50 });
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it("round-trip through parseEventId, which rejects foreign or malformed ids", () => {
    expect(parseEventId("1.3.completed.1000")).toEqual({
      run: 3,
      state: "completed",
      progressTenths: 1000,
    });
    for (const bad of [
      "",
      "2.0.processing.1",
      "1.0.cooking.1",
      "1.0.processing.1001",
      "1.x.pending.0",
      "abc",
    ]) {
      expect(parseEventId(bad)).toBeUndefined();
    }
  });
});

describe("event shapes", () => {
  it("accept today's PlanExe status and complete data and keep unknown fields", () => {
    const status = StatusEventDataSchema.parse({
      plan_id: "p",
      state: "processing",
      progress_percentage: 12.5,
      elapsed_sec: 30,
      current_step: "SWOT",
    });
    expect(status.current_step).toBe("SWOT");
    const complete = CompleteEventDataSchema.parse({
      plan_id: "p",
      state: "failed",
      progress_percentage: 40,
      elapsed_sec: 300,
      error: { code: "generation_failed", message: "boom" },
    });
    expect(complete.error?.code).toBe("generation_failed");
    expect(StatusEventDataSchema.safeParse({ plan_id: "p", state: "cooking" }).success).toBe(false);
  });

  it("know which states are terminal", () => {
    expect(
      ["pending", "processing", "completed", "failed", "stopped"].map((s) =>
        isTerminalState(s as never),
      ),
    ).toEqual([false, false, true, true, true]);
  });
});
