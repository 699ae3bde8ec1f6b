import { afterEach, describe, expect, it } from "vitest";
import { createPlanExeWorld } from "../../src/fake/index.js";
import { createManualClock, createPlanExeDouble, DOUBLE_API_KEY } from "../../src/testing/index.js";
import { startDouble, stopDoubles } from "./helpers.js";

afterEach(stopDoubles);

describe("createPlanExeDouble options", () => {
  it("serves a self-hosted origin and puts it in sse_url", async () => {
    const double = startDouble({ baseUrl: "http://localhost:8001" });
    const response = await fetch("http://localhost:8001/mcp/tools/call", {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": DOUBLE_API_KEY },
      body: JSON.stringify({ tool: "plan_create", arguments: { prompt: "A tram line" } }),
    });
    const body = (await response.json()) as { content: { text: string }[] };
    const created = JSON.parse(body.content[0]?.text ?? "{}") as { sse_url: string };
    expect(created.sse_url).toMatch(/^http:\/\/localhost:8001\/sse\/plan\//);
    expect(double.requests.filter({ tool: "plan_create" })).toHaveLength(1);
  });

  it("serves an existing world and leaves it running when the double closes", async () => {
    const clock = createManualClock();
    const world = createPlanExeWorld({ clock, planSeconds: 60 });
    const double = createPlanExeDouble({ world, clock });
    const created = world.callTool("plan_create", { prompt: "A bridge" });
    if (!created.ok) throw new Error(created.error.code);
    double.close();
    await clock.advance(70_000);
    expect(world.getPlan(created.result.plan_id as string)?.state).toBe("completed");
    world.close();
  });

  it("says how to fix a misuse", () => {
    expect(() => createPlanExeDouble({ baseUrl: "https://mcp.planexe.org/mcp" })).toThrow(
      /must be an origin/,
    );
    expect(() => createPlanExeDouble({ baseUrl: "mcp.planexe.org" })).toThrow(/absolute URL/);
    const clock = createManualClock();
    const world = createPlanExeWorld({ clock });
    expect(() => createPlanExeDouble({ world })).toThrow(/clock: world\.clock/);
    expect(() => createPlanExeDouble({ world, clock, planSeconds: 5 })).toThrow(
      /either `world` or world options \(planSeconds\)/,
    );
    world.close();
  });
});
