import { afterEach, describe, expect, it } from "vitest";
import type { PlanExeWorld } from "../../src/fake/index.js";
import { MODEL_PROFILES } from "../../src/fake/types.js";
import { dropNulls } from "../../src/tools/parse-output.js";
import { ModelProfileInputSchema } from "../../src/tools/schemas/common.js";
import { TOOLS, ToolErrorPayloadSchema, type ToolName } from "../../src/tools/schemas/index.js";
import { createPlan, setup } from "./helpers.js";

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** Every successful output the double gave, by tool, and every tool error. */
function recorder(world: PlanExeWorld) {
  const outputs: { name: ToolName; result: unknown }[] = [];
  const errors: unknown[] = [];
  const call = (name: ToolName, args: Record<string, unknown> = {}) => {
    const outcome = world.callTool(name, args);
    if (outcome.ok) outputs.push({ name, result: outcome.result });
    else errors.push({ error: outcome.error });
    return outcome;
  };
  return { outputs, errors, call };
}

describe("the double's outputs validate against the contract schemas (src/tools/schemas)", () => {
  it("for every tool, in every state a plan goes through", async () => {
    const { world, clock } = setup({ planSeconds: 60, failAtStep: 4 });
    cleanup = () => world.close();
    const { outputs, errors, call } = recorder(world);

    const planId = createPlan(world, "Schema check");
    const snapshotStates = async (id: string) => {
      call("plan_status", { plan_id: id });
      call("plan_file_info", { plan_id: id });
      call("plan_file_info", { plan_id: id, artifact: "zip" });
      call("plan_list", { limit: 50 });
    };
    await snapshotStates(planId); // pending
    call("plan_create", { prompt: "Schema check" }); // deduplicated
    await clock.advance(4_000);
    await snapshotStates(planId); // processing
    await clock.advance(10_000);
    await snapshotStates(planId); // failed at step 4
    call("plan_resume", { plan_id: planId, model_profile: "premium" });
    await clock.advance(70_000);
    await snapshotStates(planId); // completed after resume
    call("plan_stop", { plan_id: planId }); // already completed
    const second = createPlan(world, "second");
    await clock.advance(2_000);
    call("plan_stop", { plan_id: second });
    await snapshotStates(second); // stopped
    call("plan_retry", { plan_id: second, model_profile: "frontier" });
    call("plan_create", { prompt: "dated", start_date: "2026-03-01T09:00:00+01:00" });
    call("example_prompts");
    call("example_plans");
    call("model_profiles");
    call("send_feedback", { category: "plan", message: "ok", plan_id: planId, rating: 4 });
    call("send_feedback", { category: "praise", message: "" }); // any category, empty message
    // tool errors
    call("plan_status", { plan_id: "missing" });
    call("plan_retry", { plan_id: planId, model_profile: "nope" });
    call("plan_resume", { plan_id: createPlan(world, "fresh") });

    const covered = new Set(outputs.map((o) => o.name));
    expect([...covered].sort()).toEqual(Object.keys(TOOLS).sort());
    // As the client reads an answer: nulls the contract allows dropped, then the tool's schema.
    const refused = outputs.filter(
      ({ name, result }) => !TOOLS[name].output.safeParse(dropNulls(result)).success,
    );
    expect(refused.map(({ name, result }) => `${name}: ${JSON.stringify(result)}`)).toEqual([]);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    for (const error of errors) expect(ToolErrorPayloadSchema.safeParse(error).success).toBe(true);
  });

  it("lists each tool with PlanExe's read-only / idempotent / destructive / free flags (the contract's table)", () => {
    const { world } = setup({ workers: 0 });
    const flags = Object.fromEntries(
      world.tools.map((tool) => [
        tool.name,
        [
          tool.annotations.readOnlyHint,
          tool.annotations.idempotentHint,
          tool.annotations.destructiveHint,
          tool.free,
        ],
      ]),
    );
    // [readOnly, idempotent, destructive, free]
    expect(flags).toEqual({
      plan_create: [false, true, false, false], // idempotent because of its 600 s dedup
      plan_status: [true, true, false, false],
      plan_stop: [false, true, true, false],
      plan_retry: [false, false, false, false],
      plan_resume: [false, false, false, false],
      plan_file_info: [true, true, false, false],
      plan_list: [true, true, false, false],
      example_prompts: [true, true, false, true],
      example_plans: [true, true, false, true],
      model_profiles: [true, true, false, true],
      send_feedback: [false, true, false, false],
    });
    expect(Object.keys(flags).sort()).toEqual(Object.keys(TOOLS).sort());
  });

  it("takes the same model profiles as the SDK's schemas (each side spells them, so the double stays independent)", () => {
    expect([...ModelProfileInputSchema.unwrap().options].sort()).toEqual(
      [...MODEL_PROFILES].sort(),
    );
  });

  it("accepts what the SDK's input schemas produce, with their defaults applied", () => {
    const { world } = setup({ workers: 0 });
    const samples: { [N in ToolName]?: Record<string, unknown> } = {
      plan_create: { prompt: "p" },
      plan_list: {},
      send_feedback: { category: "docs", message: "m" },
      example_prompts: {},
    };
    for (const [name, args] of Object.entries(samples) as [ToolName, Record<string, unknown>][]) {
      const input = TOOLS[name].input.parse(args);
      const outcome = world.callTool(name, input);
      expect(outcome.ok, `${name}: ${JSON.stringify(outcome)}`).toBe(true);
    }
  });
});
