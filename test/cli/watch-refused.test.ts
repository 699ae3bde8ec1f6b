import { describe, expect, it } from "vitest";
import type { Renderer, WatchResult } from "../../src/cli/render/index.js";
import type { ProgressUpdate } from "../../src/cli/render/model.js";
import { runWatchSession } from "../../src/cli/watch/session.js";
import { streamLimitWorld } from "../sse/stream-limit.js";

/**
 * The CLI's watch (`watch-plan`, `planexe-client watch` / `create --watch`) while
 * PlanExe's stream connection limit refuses it — today's answer, a 200 whose body
 * aborts with no bytes — in-process on the PlanExe double's virtual clock.
 */

const KEY = "pex_limits_cli_key_0123456789";

function recordingRenderer(now: () => number) {
  const updates: { update: ProgressUpdate; at: number }[] = [];
  let result: WatchResult | undefined;
  const renderer: Renderer = {
    update: (update) => updates.push({ update, at: now() }),
    tick: () => {},
    note: () => {},
    finish: (r) => {
      result = r;
    },
  };
  return { renderer, updates, result: () => result };
}

describe("the CLI's watch on a refused stream", () => {
  it("shows progress from plan_status while the stream is refused, then follows the stream to one complete", async () => {
    const { double, client, run, refusedPlan } = streamLimitWorld({
      emulateToday: true,
      planSeconds: 120,
      apiKey: KEY,
    });
    const { plan, freeOne } = await refusedPlan("A snow-plough rota for Andermatt");
    const started = double.clock.now();
    double.clock.setTimer(freeOne, 60_000);
    const { renderer, updates, result } = recordingRenderer(() => double.clock.now());
    const streamUrl = `${double.baseUrl}/sse/plan/${plan.plan_id}`;
    const exitCode = await run(
      runWatchSession({
        command: "watch",
        ref: { planId: plan.plan_id, sseUrl: streamUrl, baseUrl: double.baseUrl },
        client,
        apiKey: KEY,
        renderer,
        signal: new AbortController().signal,
        clock: double.clock,
        fetch: double.fetch,
      }),
    );
    expect(result()?.error ?? "").toBe("");
    expect(exitCode).toBe(0);
    expect(result()).toMatchObject({ state: "completed", exitCode: 0 });
    // While refused (the first 60 s): progress drawn from plan_status, growing.
    const refusedStatuses = updates.filter(
      (u) => u.at < started + 60_000 && u.update.kind === "status",
    );
    const percents = refusedStatuses.map((u) =>
      u.update.kind === "status" ? u.update.status.progress_percentage : -1,
    );
    expect(percents.length).toBeGreaterThanOrEqual(4);
    expect(new Set(percents).size).toBeGreaterThanOrEqual(3);
    expect(
      updates.some(
        (u) =>
          u.update.kind === "event" &&
          u.update.event.type === "reconnecting" &&
          u.update.event.cause.code === "SSE_CONNECTION_LIMIT",
      ),
    ).toBe(true);
    // Back on the stream within seconds of the free slot; one complete.
    const connected = updates.find(
      (u) => u.update.kind === "event" && u.update.event.type === "connected",
    );
    expect((connected?.at ?? 0) - (started + 60_000)).toBeLessThanOrEqual(2_000);
    const completes = updates.filter(
      (u) => u.update.kind === "event" && u.update.event.type === "complete",
    );
    expect(completes).toHaveLength(1);
    const polls = double.requests.count({
      tool: "plan_status",
      since: started,
      until: started + 60_000,
    });
    expect(polls).toBeLessThanOrEqual(8);
  });
});
