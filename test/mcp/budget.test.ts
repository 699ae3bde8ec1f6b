import { describe, expect, it } from "vitest";
import { ToolError } from "../../src/errors/index.js";
import { type BudgetOptions, CallBudgetExceeded, runWithBudget } from "../../src/mcp/budget.js";
import { errorResult } from "../../src/mcp/error-result.js";
import type { ProgressUpdate } from "../../src/mcp/progress.js";
import { createManualClock } from "../../src/testing/index.js";
import { sleep } from "../../src/time/clock.js";
import { createEpisodeControl } from "../../src/transport/episode/episode.js";

/** An episode whose probe never gets an answer: PlanExe stays down until the test says. */
function downEpisode(clock: ReturnType<typeof createManualClock>) {
  return createEpisodeControl({
    clock,
    probeUrl: "http://127.0.0.1:9/healthcheck",
    fetch: () => Promise.reject(new TypeError("fetch failed")),
    random: () => 0,
  });
}

/** A 20 s budget on `clock` whose progress lands in `updates`. */
function budget(
  clock: ReturnType<typeof createManualClock>,
  updates: ProgressUpdate[],
  overrides: Partial<BudgetOptions> = {},
): BudgetOptions {
  return {
    budgetMs: 20_000,
    clock,
    hostSignal: new AbortController().signal,
    episode: undefined,
    progressIntervalMs: 5_000,
    notify: async (update) => void updates.push(update),
    what: "plan_status",
    ...overrides,
  };
}

describe("the per-call budget", () => {
  it("reports the outage as growing progress and ends the call at the budget", async () => {
    const clock = createManualClock();
    const episode = downEpisode(clock);
    episode.reportDown("http://127.0.0.1:9/mcp");
    await clock.advance(4_000);
    const updates: ProgressUpdate[] = [];
    const call = runWithBudget(budget(clock, updates, { episode }), (signal) =>
      episode.waitForRecovery(signal),
    );
    const error = await clock.runUntil(call.catch((e: unknown) => e));
    expect(error).toBeInstanceOf(CallBudgetExceeded);
    expect(updates.map((u) => u.progress)).toEqual([1, 6, 11, 16]);
    expect(updates[0]?.message).toMatch(/^PlanExe unreachable for 5 s .*plan_status.* 19 s more$/);
    expect(updates.every((u) => u.total === 20)).toBe(true);

    const result = errorResult(error, {
      tool: "plan_status",
      budgetMs: 20_000,
      episode,
      now: clock.now(),
      startedAt: clock.now() - 20_000,
      secrets: [],
    });
    expect(result.structuredContent).toMatchObject({
      error: { code: "PLANEXE_UNAVAILABLE", down_for_s: 24, retry_after_s: 0 },
    });
    episode.close();
    // Nothing left scheduled by the call once it ended.
    expect(clock.pendingTimers).toBe(0);
  });

  it("sends nothing while PlanExe answers, and returns the work's result", async () => {
    const clock = createManualClock();
    const episode = downEpisode(clock);
    const updates: ProgressUpdate[] = [];
    const call = runWithBudget(
      budget(clock, updates, { episode, progressIntervalMs: 1_000 }),
      async (signal) => {
        await sleep(3_000, { clock, signal });
        return "answer";
      },
    );
    expect(await clock.runUntil(call)).toBe("answer");
    expect(updates).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("the host's cancel ends the call at once with its reason", async () => {
    const clock = createManualClock();
    const host = new AbortController();
    const call = runWithBudget(
      budget(clock, [], { hostSignal: host.signal, notify: undefined }),
      (signal) => sleep(60_000, { clock, signal }),
    );
    const reason = new Error("cancelled by the host");
    host.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(clock.pendingTimers).toBe(0);
  });

  it("a PLANEXE_TIMEOUT when PlanExe is up but slow, with what to check for plan_create", () => {
    const result = errorResult(new CallBudgetExceeded(55_000), {
      tool: "plan_create",
      budgetMs: 55_000,
      episode: undefined,
      now: 100_000,
      startedAt: 45_000,
      secrets: ["pex_secret"],
    });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({
      error: { code: "PLANEXE_TIMEOUT", may_have_reached_server: true },
    });
    expect(JSON.stringify(result)).toMatch(/plan_list/);
  });
});

describe("what a PlanExe refusal tells the model to do next", () => {
  const advise = (error: unknown) =>
    (
      errorResult(error, {
        tool: "plan_file_info",
        budgetMs: 55_000,
        episode: undefined,
        now: 0,
        startedAt: 0,
        secrets: [],
      }).structuredContent as { error: Record<string, unknown> }
    ).error;

  it("content_unavailable passes (a worker deploying): ask again shortly; generation_failed never will", () => {
    expect(advise(new ToolError("content_unavailable", "bytes missing"))).toMatchObject({
      code: "content_unavailable",
      retry_after_s: 10,
      next_step: expect.stringMatching(/call plan_file_info again/),
    });
    const failed = advise(new ToolError("generation_failed", "the plan failed"));
    expect(failed.next_step).toMatch(/never be ready/);
    expect(failed).not.toHaveProperty("retry_after_s");
  });

  it("a missing user key is a key problem: set PLANEXE_API_KEY", () => {
    for (const code of ["USER_API_KEY_REQUIRED", "INVALID_USER_API_KEY"] as const)
      expect(advise(new ToolError(code, "key")).next_step).toMatch(/PLANEXE_API_KEY/);
  });
});
