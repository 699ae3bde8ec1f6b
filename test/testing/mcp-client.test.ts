import { afterEach, describe, expect, it } from "vitest";
import { TOOLS } from "../../src/tools/schemas/index.js";
import { BASE, connectMcpClient, startDouble, stopDoubles, structured } from "./helpers.js";

afterEach(stopDoubles);

describe("the official MCP SDK Client against the msw double", () => {
  it("lists every contract tool, through setupServer and the global fetch", async () => {
    startDouble();
    const client = await connectMcpClient();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(Object.keys(TOOLS).sort());
    expect(client.getServerVersion()?.name).toBe("planexe-mcp-cloud");
  });

  it("calls every tool and each result validates against the contract schema", async () => {
    const double = startDouble({ planSeconds: 60 });
    const client = await connectMcpClient();
    const called = new Set<string>();
    const call = async (name: keyof typeof TOOLS, args: Record<string, unknown> = {}) => {
      const result = await client.callTool({ name, arguments: args });
      expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
      called.add(name);
      return TOOLS[name].output.parse(structured(result)) as Record<string, unknown>;
    };

    const created = await call("plan_create", { prompt: "Open a bakery in Aarhus" });
    const planId = created.plan_id as string;
    expect(created.sse_url).toBe(`${BASE}/sse/plan/${planId}`);
    await double.clock.advance(10_000);
    expect(await call("plan_status", { plan_id: planId })).toMatchObject({ state: "processing" });
    expect(await call("plan_stop", { plan_id: planId })).toMatchObject({ stop_requested: true });
    expect(await call("plan_retry", { plan_id: planId })).toMatchObject({ plan_id: planId });
    await double.clock.advance(20_000);
    double.world.failPlan(planId, { failure_reason: "worker_error", message: "killed" });
    expect(await call("plan_resume", { plan_id: planId })).toMatchObject({ resume_count: 1 });
    await double.clock.advance(120_000);
    const info = await call("plan_file_info", { plan_id: planId, artifact: "report" });
    expect(info).toMatchObject({ content_type: expect.stringContaining("text/html") });
    const download = await fetch(info.download_url as string);
    expect(download.status).toBe(200);
    const bytes = new Uint8Array(await download.arrayBuffer());
    const digest = Buffer.from(await crypto.subtle.digest("SHA-256", bytes)).toString("hex");
    expect(digest).toBe(info.sha256);
    expect((await call("plan_list")).plans).toEqual([
      expect.objectContaining({ plan_id: planId, state: "completed" }),
    ]);
    await call("example_prompts");
    await call("example_plans");
    await call("model_profiles");
    await call("send_feedback", { category: "mcp", message: "Works through msw.", rating: 5 });

    expect([...called].sort()).toEqual(Object.keys(TOOLS).sort());
    // One POST per call: the double's log counts JSON-RPC traffic by method and tool.
    expect(double.requests.count({ method: "POST", path: "/mcp", rpcMethod: "tools/call" })).toBe(
      called.size,
    );
    expect(double.requests.count({ tool: "plan_create" })).toBe(1);
  });

  it("serves the REST mirror and the healthcheck, and 404s unknown paths like FastAPI", async () => {
    startDouble();
    const health = await fetch(`${BASE}/healthcheck`);
    expect(await health.json()).toMatchObject({ status: "healthy", service: "planexe-mcp-cloud" });
    const listed = (await (await fetch(`${BASE}/mcp/tools`)).json()) as { tools: unknown[] };
    expect(listed.tools).toHaveLength(Object.keys(TOOLS).length);
    const rest = await fetch(`${BASE}/mcp/tools/call`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tool: "example_prompts", arguments: {} }),
    });
    const restBody = (await rest.json()) as { content: { text: string }[]; error: unknown };
    expect(restBody.error).toBeNull();
    expect(JSON.parse(restBody.content[0]?.text ?? "{}")).toHaveProperty("samples");

    const missing = await fetch(`${BASE}/api/v2/plans`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: "Not Found" });
  });
});
