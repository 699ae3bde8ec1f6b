import { afterEach, describe, expect, it } from "vitest";
import type { PlanExeWorld } from "../../src/fake/index.js";
import { setup } from "./helpers.js";

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function call(world: PlanExeWorld, name: string, args: Record<string, unknown>, userId?: string) {
  const outcome = world.callTool(name, args, userId ? { userId } : {});
  return outcome.ok ? outcome.result : { error: outcome.error };
}

describe("plan lifecycle", () => {
  it("goes pending → processing → completed in planSeconds, progress monotonic, 100 at the end", async () => {
    const { world, clock } = setup({ planSeconds: 60 });
    cleanup = () => world.close();
    const { plan_id } = call(world, "plan_create", { prompt: "p" }) as { plan_id: string };
    const seen: number[] = [];
    const states = new Set<string>();
    for (let t = 0; t < 62; t++) {
      const snapshot = world.snapshot(plan_id);
      seen.push(snapshot?.progress_percentage ?? -1);
      states.add(snapshot?.state ?? "");
      await clock.advance(1_000);
    }
    expect([...states]).toEqual(["pending", "processing", "completed"]);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(100);
    const status = call(world, "plan_status", { plan_id });
    expect(status).toMatchObject({ state: "completed", steps_completed: 20, steps_total: 20 });
    expect(status).not.toHaveProperty("sse_url"); // only while not terminal
    expect(status).not.toHaveProperty("error"); // only when failed
    expect(status.files_count).toBe(20);
    // The last 10 by file name.
    expect((status.files as { path: string }[]).map((f) => f.path)).toEqual(
      Array.from({ length: 10 }, (_, i) => expect.stringMatching(new RegExp(`^0${11 + i}-`))),
    );
    // started_at is the creation time; elapsed_sec counts from it to now.
    expect(status.timing).toMatchObject({ started_at: "2026-01-01T00:00:00Z", elapsed_sec: 62 });
  });

  describe("plan_create dedup", () => {
    it("returns the same plan for the same prompt+profile+user within 600 s", async () => {
      const { world, clock } = setup({ planSeconds: 3600 });
      cleanup = () => world.close();
      const first = call(world, "plan_create", { prompt: "same" }, "u1");
      await clock.advance(599_000);
      const again = call(world, "plan_create", { prompt: "same" }, "u1");
      expect(again).toMatchObject({ plan_id: first.plan_id, deduplicated: true });
      expect(again.created_at).toBe(first.created_at);
      expect(first.deduplicated).toBeUndefined();
      // other user, other profile, other prompt: new plans
      expect(call(world, "plan_create", { prompt: "same" }, "u2").plan_id).not.toBe(first.plan_id);
      expect(
        call(world, "plan_create", { prompt: "same", model_profile: "premium" }, "u1").plan_id,
      ).not.toBe(first.plan_id);
    });

    it("creates a new plan after 600 s, or once the first one has ended", async () => {
      const { world, clock } = setup({ planSeconds: 3600 });
      cleanup = () => world.close();
      const first = call(world, "plan_create", { prompt: "same" });
      await clock.advance(601_000);
      const later = call(world, "plan_create", { prompt: "same" });
      expect(later.plan_id).not.toBe(first.plan_id);
      expect(later.deduplicated).toBeUndefined();
      call(world, "plan_stop", { plan_id: later.plan_id });
      const afterStop = call(world, "plan_create", { prompt: "same" });
      expect(afterStop.plan_id).not.toBe(later.plan_id);
    });
  });

  it("plan_stop stops a running plan and is idempotent (stop_requested false when already ended)", async () => {
    const { world, clock } = setup({ planSeconds: 60 });
    cleanup = () => world.close();
    const { plan_id } = call(world, "plan_create", { prompt: "p" });
    await clock.advance(10_000);
    expect(call(world, "plan_stop", { plan_id })).toEqual({
      state: "stopped",
      stop_requested: true,
    });
    expect(call(world, "plan_stop", { plan_id })).toEqual({
      state: "stopped",
      stop_requested: false,
    });
    const progress = world.snapshot(plan_id as string)?.progress_percentage;
    await clock.advance(60_000);
    expect(world.snapshot(plan_id as string)).toMatchObject({
      state: "stopped",
      progress_percentage: progress,
    });
    expect(call(world, "plan_stop", { plan_id: "nope" })).toMatchObject({
      error: { code: "PLAN_NOT_FOUND" },
    });
  });

  it("plan_retry: PLAN_NOT_FAILED unless failed/stopped; same id, artifacts cleared, new run", async () => {
    const { world, clock } = setup({ planSeconds: 60, failAtStep: 5 });
    cleanup = () => world.close();
    const { plan_id } = call(world, "plan_create", { prompt: "p" });
    const id = plan_id as string;
    await clock.advance(1);
    expect(call(world, "plan_retry", { plan_id })).toMatchObject({
      error: { code: "PLAN_NOT_FAILED" },
    });
    await clock.advance(20_000);
    const failed = call(world, "plan_status", { plan_id });
    expect(failed).toMatchObject({
      state: "failed",
      steps_completed: 4,
      error: {
        failure_reason: "generation_error",
        failed_step: "identify_purpose",
        recoverable: true,
      },
    });
    expect(failed.sse_url).toBeUndefined();
    expect(world.snapshot(id)?.run).toBe(0);

    const createdAt = (call(world, "plan_status", { plan_id }).timing as { started_at: string })
      .started_at;
    const retried = call(world, "plan_retry", { plan_id, model_profile: "frontier" });
    expect(retried).toMatchObject({ plan_id, state: "pending", model_profile: "frontier" });
    // plan_retry resets the creation time (timing.started_at, plan_list's created_at).
    const retriedAt = (call(world, "plan_status", { plan_id }).timing as { started_at: string })
      .started_at;
    expect(retriedAt).not.toBe(createdAt);
    expect(retriedAt).toBe(retried.retried_at);
    expect(retried.sse_url).toContain(`/sse/plan/${id}`);
    expect(call(world, "plan_status", { plan_id })).toMatchObject({
      state: "pending",
      progress_percentage: 0,
      files_count: 0,
      files: [],
    });
    expect(world.snapshot(id)?.run).toBe(1);
    await clock.advance(61_000);
    expect(world.getPlan(id)?.state).toBe("completed");
    expect(call(world, "plan_retry", { plan_id })).toMatchObject({
      error: { code: "PLAN_NOT_FAILED" },
    });
  });

  it("plan_resume keeps finished steps and started_at; PLAN_NOT_RESUMABLE for running or completed plans only", async () => {
    const { world, clock } = setup({
      planSeconds: 60,
      failAtStep: { step: 8, failure_reason: "inactivity_timeout" },
    });
    cleanup = () => world.close();
    const { plan_id } = call(world, "plan_create", { prompt: "p" });
    const id = plan_id as string;
    await clock.advance(1);
    expect(call(world, "plan_resume", { plan_id })).toMatchObject({
      error: { code: "PLAN_NOT_RESUMABLE" },
    });
    await clock.advance(30_000);
    expect(world.getPlan(id)).toMatchObject({ state: "failed", steps_completed: 7 });
    const progressAtFailure = world.snapshot(id)?.progress_percentage ?? 0;

    const startedAt = (call(world, "plan_status", { plan_id }).timing as { started_at: string })
      .started_at;
    await clock.advance(5_000);
    const resumed = call(world, "plan_resume", { plan_id });
    // started_at is the creation time: plan_resume keeps it (it cannot tell a resume happened).
    expect(
      (call(world, "plan_status", { plan_id }).timing as { started_at: string }).started_at,
    ).toBe(startedAt);
    expect(resumed).toMatchObject({
      plan_id,
      state: "pending",
      resume_count: 1,
      model_profile: "baseline",
    });
    expect(world.snapshot(id)).toMatchObject({ run: 1, progress_percentage: progressAtFailure });
    expect(call(world, "plan_status", { plan_id }).files_count).toBe(7);
    await clock.advance(60_000);
    expect(world.getPlan(id)?.state).toBe("completed");
    expect(call(world, "plan_resume", { plan_id })).toMatchObject({
      error: { code: "PLAN_NOT_RESUMABLE" },
    });

    const other = call(world, "plan_create", { prompt: "q" }).plan_id as string;
    await clock.advance(1);
    world.failPlan(other, { failure_reason: "internal_error", recoverable: false });
    // PlanExe checks only the state: `recoverable: false` is a hint, the resume is accepted.
    expect(call(world, "plan_resume", { plan_id: other })).toMatchObject({
      state: "pending",
      resume_count: 1,
    });
  });

  it("plan_resume refuses a plan from another pipeline version", async () => {
    const { world, clock } = setup({ planSeconds: 60 });
    cleanup = () => world.close();
    const { plan_id } = call(world, "plan_create", { prompt: "p" });
    await clock.advance(1);
    world.failPlan(plan_id as string);
    const next = setup({ pipelineVersion: 2, store: world.store, workers: 0 });
    expect(call(next.world, "plan_resume", { plan_id })).toMatchObject({
      error: { code: "PIPELINE_VERSION_MISMATCH" },
    });
  });

  it("plan_list: the caller's plans, newest first, limit, 100-char prompt excerpt", async () => {
    const { world, clock } = setup();
    cleanup = () => world.close();
    const long = `${"x".repeat(150)}`;
    const a = call(world, "plan_create", { prompt: long }, "me").plan_id;
    await clock.advance(1_000);
    const b = call(world, "plan_create", { prompt: "second" }, "me").plan_id;
    call(world, "plan_create", { prompt: "not mine" }, "you");
    const list = call(world, "plan_list", {}, "me") as { plans: Record<string, unknown>[] };
    expect(list.plans.map((p) => p.plan_id)).toEqual([b, a]);
    expect(list.plans[1]?.prompt_excerpt).toBe("x".repeat(100));
    expect(list.plans[0]).toEqual({
      plan_id: b,
      state: "pending",
      progress_percentage: 0,
      created_at: "2026-01-01T00:00:01Z",
      prompt_excerpt: "second",
    });
    expect(
      (call(world, "plan_list", { limit: 1 }, "me") as { plans: unknown[] }).plans,
    ).toHaveLength(1);
    expect(call(world, "plan_list", {}, "me")).toMatchObject({ message: "Returned 2 plan(s)." });
    // Bad arguments: text only over /mcp; the REST mirror's INTERNAL_ERROR carries the same words.
    expect(call(world, "plan_list", { limit: 0 }, "me")).toMatchObject({
      error: {
        code: "INTERNAL_ERROR",
        message: expect.stringMatching(/^Error executing tool plan_list: 1 validation error/),
      },
    });
  });

  it("two worlds sharing one store see the same plans (replicas over one database)", async () => {
    const { world, clock } = setup({ planSeconds: 60 });
    cleanup = () => world.close();
    const replica = setup({ store: world.store, workers: 0 }).world;
    const { plan_id } = call(replica, "plan_create", { prompt: "shared" });
    await clock.advance(2_000);
    expect(world.getPlan(plan_id as string)?.state).toBe("processing");
    expect(replica.snapshot(plan_id as string)?.state).toBe("processing");

    const copy = setup({ workers: 0 }).world;
    copy.importState(world.exportState());
    expect(copy.getPlan(plan_id as string)).toEqual(world.getPlan(plan_id as string));
  });
});
