import { afterEach, describe, expect, it } from "vitest";
import { BASE, connectMcpClient, startDouble, stopDoubles, structured } from "./helpers.js";

afterEach(stopDoubles);

function planCount(double: ReturnType<typeof startDouble>): number {
  const listed = double.world.callTool("plan_list", { limit: 50 });
  if (!listed.ok) throw new Error(listed.error.code);
  return (listed.result.plans as unknown[]).length;
}

describe("failNext: scripted network faults", () => {
  it("response-lost: the server creates the plan, the client gets a network error", async () => {
    const double = startDouble();
    const client = await connectMcpClient();
    double.failNext({ tool: "plan_create", after: "response-lost" });

    await expect(
      client.callTool({ name: "plan_create", arguments: { prompt: "A night market" } }),
    ).rejects.toThrow(TypeError);
    expect(planCount(double)).toBe(1);
    expect(double.requests.filter({ tool: "plan_create" })).toEqual([
      expect.objectContaining({ status: 0, replica: 1, fault: "response-lost" }),
    ]);

    // The resend PlanExe deduplicates: still one plan, and the caller learns it.
    const again = structured(
      await client.callTool({ name: "plan_create", arguments: { prompt: "A night market" } }),
    );
    expect(again.deduplicated).toBe(true);
    expect(planCount(double)).toBe(1);
  });

  it("reset-before: the server never sees the request", async () => {
    const double = startDouble();
    const client = await connectMcpClient();
    double.failNext({ method: "POST", path: "/mcp", tool: "plan_create", after: "reset-before" });
    await expect(
      client.callTool({ name: "plan_create", arguments: { prompt: "A night market" } }),
    ).rejects.toThrow(TypeError);
    expect(planCount(double)).toBe(0);
    expect(double.requests.filter({ tool: "plan_create" })).toEqual([
      expect.objectContaining({ status: 0, replica: null, fault: "reset-before" }),
    ]);
  });

  it("fails only matching requests, as many times as asked", async () => {
    const double = startDouble();
    double.failNext({ path: /^\/health/, after: "reset-before", times: 2 });
    expect((await fetch(`${BASE}/mcp/tools`)).status).toBe(200);
    await expect(fetch(`${BASE}/healthcheck`)).rejects.toThrow(TypeError);
    await expect(fetch(`${BASE}/healthcheck`)).rejects.toThrow(TypeError);
    expect((await fetch(`${BASE}/healthcheck`)).status).toBe(200);
    expect(double.requests.count({ path: "/healthcheck", status: 0 })).toBe(2);
    expect(() => double.failNext({ after: "reset-before", times: 0 })).toThrow(TypeError);
  });
});
