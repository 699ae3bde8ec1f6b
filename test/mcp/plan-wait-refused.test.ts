import { describe, expect, it } from "vitest";
import { planWait } from "../../src/mcp/plan-wait.js";
import type { ProgressUpdate } from "../../src/mcp/progress.js";
import { streamLimitWorld } from "../sse/stream-limit.js";

/**
 * `plan_wait` (the local MCP server's tool) while PlanExe's stream connection limit
 * refuses the stream — today's answer, a 200 whose body aborts with no bytes — called
 * in-process on the PlanExe double's virtual clock.
 */

const KEY = "pex_limits_plan_wait_key_012345";

describe("plan_wait on a refused stream", () => {
  it("still reports growing progress within its window, from plan_status", async () => {
    const { double, client, run, refusedPlan } = streamLimitWorld({
      emulateToday: true,
      planSeconds: 200,
      apiKey: KEY,
    });
    const { plan } = await refusedPlan("A timetable for the Glacier Express");
    const updates: ProgressUpdate[] = [];
    const result = await run(
      planWait(
        { client, clock: double.clock, secrets: [KEY] },
        { plan_id: plan.plan_id, timeout_s: 50 },
        new AbortController().signal,
        async (update) => {
          updates.push(update);
        },
      ),
    );
    const answer = result.structuredContent as Record<string, unknown>;
    expect(answer).toMatchObject({ done: false, plan_id: plan.plan_id, state: "processing" });
    expect(answer.progress_percentage as number).toBeGreaterThan(0);
    const values = updates.map((u) => u.progress);
    expect(values.length).toBeGreaterThanOrEqual(3);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(new Set(values).size).toBe(values.length);
  });
});
