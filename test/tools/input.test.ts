import { describe, expect, it } from "vitest";
import { PlanExeClient } from "../../src/client.js";
import { requirePlanId } from "../../src/tools/input.js";
import { TOOLS } from "../../src/tools/schemas/registry.js";
import { planexeResult, rpcResult } from "../contract/fixtures.js";
import { setup } from "./helpers.js";

// No request is made: misuse is caught before anything is sent.
const client = new PlanExeClient({
  baseUrl: "http://localhost:8001",
  fetch: () => Promise.reject(new Error("no request expected")),
});

describe("misuse", () => {
  it("throws a TypeError that shows the call to write", async () => {
    // @ts-expect-error missing plan id
    await expect(client.getStatus()).rejects.toThrow(/getStatus\(planId\) needs a plan id/);
    await expect(
      // @ts-expect-error an object instead of the id
      client.getStatus({ plan_id: "x" }),
    ).rejects.toThrow(/Did you mean `client.getStatus\(plan.plan_id\)`/);
    await expect(client.stopPlan("  ")).rejects.toThrow(TypeError);
    await expect(
      // @ts-expect-error a profile string instead of the options object
      client.retryPlan("id", "premium"),
    ).rejects.toThrow(/Did you mean `client.retryPlan\(planId, \{ model_profile: "premium" \}\)`/);
    // @ts-expect-error not a string (PlanExe takes any string, the empty one included)
    await expect(client.createPlan(42)).rejects.toThrow(/createPlan needs a prompt string/);
    await expect(
      // @ts-expect-error not a profile
      client.createPlan("p", { model_profile: "gold" }),
    ).rejects.toThrow(/createPlan: model_profile/);
    await expect(client.listPlans({ limit: 0 })).rejects.toThrow(/limit must be at least 1/);
    await expect(client.sendFeedback("plan", "great", { rating: 9 })).rejects.toThrow(
      /rating must be 1-5/,
    );
    await expect(
      // @ts-expect-error not an artifact
      client.download("id", { artifact: "pdf" }),
    ).rejects.toThrow(TypeError);
  });

  it("rejects a bad constructor call at once", () => {
    // @ts-expect-error no options
    expect(() => new PlanExeClient()).toThrow(/needs an options object/);
    expect(() => new PlanExeClient({ baseUrl: "mcp.planexe.org" })).toThrow(/server's URL/);
    expect(() => new PlanExeClient({ baseUrl: "http://x", apiKey: "" })).toThrow(/apiKey/);
  });

  it("accepts a baseUrl with /mcp and adds it only once", () => {
    expect(new PlanExeClient({ baseUrl: "https://mcp.planexe.org/mcp/" }).baseUrl.href).toBe(
      "https://mcp.planexe.org/",
    );
  });
});

describe("the plan id checked by hand", () => {
  it("accepts and trims exactly what the plan_status schema accepts, so plan-id-only calls skip parsing", () => {
    const cases: unknown[] = [
      "  5f2b1c9e  ",
      "x",
      "",
      "   ",
      "\t\n",
      5,
      null,
      undefined,
      {},
      ["id"],
    ];
    for (const value of cases) {
      const schema = TOOLS.plan_status.input.safeParse({ plan_id: value });
      let byHand: string | undefined;
      try {
        byHand = requirePlanId("getStatus", value);
      } catch {
        byHand = undefined;
      }
      expect(byHand, JSON.stringify(value)).toBe(schema.success ? schema.data.plan_id : undefined);
    }
  });
});

describe("inputs PlanExe accepts are sent, not refused", () => {
  const received = planexeResult("send_feedback", "received");

  it("send_feedback: any category (a warning for one PlanExe does not document) and an empty message", async () => {
    const warnings: string[] = [];
    const { double, client, run } = setup({}, { logger: { warn: (m) => warnings.push(m) } });
    double.answerNext({
      tool: "send_feedback",
      times: 2,
      respond: ({ id }) => rpcResult(id, received),
    });
    await expect(run(client.sendFeedback("feature-request", ""))).resolves.toMatchObject({
      message: "Feedback received. Thank you.",
    });
    expect(warnings).toEqual([
      expect.stringMatching(/"feature-request" is not one PlanExe documents/),
    ]);
    await run(client.sendFeedback("docs", "Clear"));
    expect(warnings).toHaveLength(1);
    const sent = double.requests.filter({ tool: "send_feedback" });
    expect(sent).toHaveLength(2);
  });

  it("null where PlanExe's wrappers declare Optional[...] = None is taken, as PlanExe takes it", () => {
    expect(
      TOOLS.send_feedback.input.safeParse({
        category: "plan",
        message: "",
        plan_id: null,
        rating: null,
      }).success,
    ).toBe(true);
    expect(TOOLS.plan_create.input.safeParse({ prompt: "p", start_date: null }).success).toBe(true);
    expect(
      TOOLS.send_feedback.input.safeParse({ category: "plan", message: "", rating: 9 }).success,
    ).toBe(false);
  });

  it("plan_create: an empty prompt is PlanExe's to judge; user_api_key is never sent", async () => {
    const { double, client, run } = setup();
    let sent: Record<string, unknown> | undefined;
    double.answerNext({
      tool: "plan_create",
      respond: async ({ id, request }) => {
        sent = (
          (await request.clone().json()) as { params: { arguments: Record<string, unknown> } }
        ).params.arguments;
        return rpcResult(id, planexeResult("plan_create", "a new plan"));
      },
    });
    // @ts-expect-error not an option any more: PlanExe charges the client's own key
    await run(client.createPlan("", { user_api_key: "pex_someone_else_0001" }));
    expect(sent).toEqual({ prompt: "", model_profile: "baseline" });
  });
});
