import { afterEach, describe, expect, it } from "vitest";
import { WORKER_RESTART_MESSAGE } from "../../src/fake/index.js";
import { setup } from "./helpers.js";

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function create(world: ReturnType<typeof setup>["world"], prompt: string): string {
  const outcome = world.callTool("plan_create", { prompt });
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.result.plan_id as string;
}

describe("worker drain (proposal 80, Part 3)", () => {
  it("marks a plan that cannot finish within the grace period failed with the contract's message", async () => {
    const { world, clock } = setup({ planSeconds: 600 });
    cleanup = () => world.close();
    const planId = create(world, "A long plan");
    await clock.advance(120_000);
    expect(world.getPlan(planId)?.state).toBe("processing");

    const drained = world.worker.shutdown({ graceMs: 10_000 });
    await clock.advance(9_000);
    expect(world.getPlan(planId)?.state).toBe("processing");
    await clock.advance(1_000);
    expect(await drained).toEqual({ finished: [], interrupted: [planId] });

    const status = world.callTool("plan_status", { plan_id: planId });
    expect(status.ok && status.result).toMatchObject({
      state: "failed",
      error: {
        message: "Worker restarted during execution. Use plan_retry to re-run.",
        failure_reason: "worker_error",
        recoverable: true,
      },
    });
    expect(WORKER_RESTART_MESSAGE).toBe(
      "Worker restarted during execution. Use plan_retry to re-run.",
    );
    expect(world.snapshot(planId)?.error).toEqual({
      code: "generation_failed",
      message: WORKER_RESTART_MESSAGE,
    });
  });

  it("lets a nearly finished plan complete within the grace period", async () => {
    const { world, clock } = setup({ planSeconds: 60 });
    cleanup = () => world.close();
    const planId = create(world, "A short plan");
    await clock.advance(55_000);
    const drained = world.worker.shutdown({ graceMs: 10_000 });
    await clock.advance(10_000);
    expect(await drained).toEqual({ finished: [planId], interrupted: [] });
    expect(world.getPlan(planId)?.state).toBe("completed");
  });

  it("stops taking plans on shutdown; a new worker takes them after the deploy", async () => {
    const { world, clock } = setup({ planSeconds: 60 });
    cleanup = () => world.close();
    const first = create(world, "first");
    const second = create(world, "second");
    await clock.advance(10_000);
    const drained = world.worker.shutdown({ graceMs: 0 });
    expect(await drained).toEqual({ finished: [], interrupted: [first] });
    expect(world.worker.running).toBe(false);
    await clock.advance(120_000);
    expect(world.getPlan(second)?.state).toBe("pending");

    world.worker.start();
    expect(world.worker.running).toBe(true);
    await clock.advance(61_000);
    expect(world.getPlan(second)?.state).toBe("completed");
    expect(world.getPlan(first)?.state).toBe("failed");
  });

  it("a drained plan resumes on the new worker from its finished steps, in a new run", async () => {
    const { world, clock } = setup({ planSeconds: 60 });
    cleanup = () => world.close();
    const planId = create(world, "resume me");
    await clock.advance(30_000);
    await world.worker.shutdown({ graceMs: 0 });
    const stepsBefore = world.getPlan(planId)?.steps_completed ?? 0;
    expect(stepsBefore).toBe(10);
    world.worker.start();
    const resumed = world.callTool("plan_resume", { plan_id: planId });
    expect(resumed.ok && resumed.result).toMatchObject({ state: "pending", resume_count: 1 });
    await clock.advance(3_000 + 1_000);
    expect(world.getPlan(planId)?.steps_completed).toBe(stepsBefore + 1);
    expect(world.snapshot(planId)?.run).toBe(1);
    await clock.advance(60_000);
    expect(world.getPlan(planId)?.state).toBe("completed");
  });

  it("runs one plan at a time per worker, taking pending plans in order", async () => {
    const { world, clock } = setup({ planSeconds: 60 });
    cleanup = () => world.close();
    const ids = [create(world, "a"), create(world, "b"), create(world, "c")];
    await clock.advance(1);
    expect(ids.map((id) => world.getPlan(id)?.state)).toEqual(["processing", "pending", "pending"]);
    await clock.advance(61_000);
    expect(ids.map((id) => world.getPlan(id)?.state)).toEqual([
      "completed",
      "processing",
      "pending",
    ]);
  });

  it("runs plans side by side with `workers: 2`", async () => {
    const { world, clock } = setup({ planSeconds: 60, workers: 2 });
    cleanup = () => world.close();
    const ids = [create(world, "a"), create(world, "b"), create(world, "c")];
    await clock.advance(1);
    expect(ids.map((id) => world.getPlan(id)?.state)).toEqual([
      "processing",
      "processing",
      "pending",
    ]);
  });
});
