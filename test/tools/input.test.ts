import { describe, expect, it } from "vitest";
import { PlanExeClient } from "../../src/client.js";
import { requirePlanId } from "../../src/tools/input.js";
import { TOOLS } from "../../src/tools/schemas/registry.js";

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
