import { afterEach, describe, expect, it } from "vitest";
import { AUTH, connectClient, setup, structured } from "./helpers.js";

const ALL_TOOLS = [
  "plan_create",
  "plan_status",
  "plan_stop",
  "plan_retry",
  "plan_resume",
  "plan_file_info",
  "plan_list",
  "example_prompts",
  "example_plans",
  "model_profiles",
  "send_feedback",
];

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe("the official MCP SDK Client against the double", () => {
  it("lists every PlanExe tool with its input schema and annotations", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    const client = await connectClient(fetch);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS);
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get("plan_create")?.inputSchema.required).toEqual(["prompt"]);
    const reader = {
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    };
    for (const name of [
      "plan_status",
      "plan_file_info",
      "plan_list",
      "example_prompts",
      "example_plans",
      "model_profiles",
    ])
      expect(byName.get(name)?.annotations, name).toEqual(reader);
    expect(byName.get("plan_create")?.annotations).toEqual({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: true,
    });
    expect(byName.get("plan_stop")?.annotations).toEqual({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
      openWorldHint: false,
    });
    for (const name of ["plan_retry", "plan_resume"])
      expect(byName.get(name)?.annotations, name).toEqual({
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      });
    expect(byName.get("send_feedback")?.annotations).toEqual({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    });
    expect(client.getServerVersion()?.name).toBe("planexe-mcp-cloud");
  });

  it("calls every tool and gets structured results mirrored as JSON text", async () => {
    const { fetch, world, clock } = setup({ planSeconds: 60 });
    cleanup = () => world.close();
    const client = await connectClient(fetch);
    const call = async (name: string, args: Record<string, unknown> = {}) => {
      const result = await client.callTool({ name, arguments: args });
      const content = result.content as { type: string; text: string }[];
      expect(JSON.parse(content[0]?.text ?? "")).toEqual(result.structuredContent);
      expect(result.isError, `${name}: ${content[0]?.text}`).toBe(false);
      return structured(result);
    };

    const created = await call("plan_create", { prompt: "Open a bakery in Aarhus" });
    const planId = created.plan_id as string;
    expect(planId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.sse_url).toBe(`http://planexe.test/sse/plan/${planId}`);

    expect(await call("plan_status", { plan_id: planId })).toMatchObject({
      plan_id: planId,
      state: "pending",
      progress_percentage: 0,
    });
    expect(await call("plan_file_info", { plan_id: planId })).toEqual({
      ready: false,
      reason: "processing",
    });
    expect(await call("plan_stop", { plan_id: planId })).toEqual({
      state: "stopped",
      stop_requested: true,
    });
    expect(await call("plan_retry", { plan_id: planId })).toMatchObject({
      plan_id: planId,
      state: "pending",
      model_profile: "baseline",
    });
    await clock.advance(20_000);
    world.failPlan(planId, { failure_reason: "worker_error", message: "boom" });
    expect(await call("plan_resume", { plan_id: planId, model_profile: "premium" })).toMatchObject({
      plan_id: planId,
      state: "pending",
      model_profile: "premium",
      resume_count: 1,
    });
    await clock.advance(120_000);
    const info = await call("plan_file_info", { plan_id: planId, artifact: "zip" });
    expect(info).toMatchObject({ content_type: "application/zip" });
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);

    const list = await call("plan_list", { limit: 5 });
    expect(list.plans).toEqual([
      expect.objectContaining({ plan_id: planId, state: "completed", progress_percentage: 100 }),
    ]);
    expect((await call("example_prompts")).samples).toEqual(
      expect.arrayContaining([expect.any(String)]),
    );
    expect((await call("example_plans")).plans).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ title: expect.any(String), report_url: expect.any(String) }),
      ]),
    );
    const profiles = await call("model_profiles");
    expect(profiles.default_profile).toBe("baseline");
    expect((profiles.profiles as { profile: string }[]).map((p) => p.profile)).toEqual([
      "baseline",
      "premium",
      "frontier",
      "custom",
    ]);
    const feedback = await call("send_feedback", { category: "mcp", message: "Works.", rating: 5 });
    expect(feedback.feedback_id).toEqual(expect.any(String));
    expect(world.feedback).toHaveLength(1);
  });

  it("answers a handler's refusal with isError and structuredContent.error {code, message}", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    const client = await connectClient(fetch);
    const missing = await client.callTool({
      name: "plan_status",
      arguments: { plan_id: "00000000-0000-0000-0000-000000000000" },
    });
    expect(missing.isError).toBe(true);
    expect(structured(missing)).toEqual({
      error: {
        code: "PLAN_NOT_FOUND",
        message: "Plan not found: 00000000-0000-0000-0000-000000000000",
      },
    });
  });

  it("answers bad arguments and unknown tools with isError and text only, worded as PlanExe's FastMCP", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    const client = await connectClient(fetch);
    const text = (result: unknown) => (result as { content: { text: string }[] }).content[0]?.text;

    const missing = await client.callTool({ name: "plan_status", arguments: {} });
    expect(missing.isError).toBe(true);
    expect(missing.structuredContent).toBeUndefined();
    expect(text(missing)).toMatch(
      /^Error executing tool plan_status: 1 validation error for plan_statusArguments\nplan_id\n {2}Field required \[type=missing/,
    );
    const over = await client.callTool({ name: "plan_list", arguments: { limit: 51 } });
    expect(over.structuredContent).toBeUndefined();
    expect(text(over)).toMatch(
      /^Error executing tool plan_list: 1 validation error for plan_listArguments\nlimit\n {2}Input should be less than or equal to 50/,
    );
    const profile = await client.callTool({
      name: "plan_retry",
      arguments: { plan_id: "p", model_profile: "nope" },
    });
    expect(text(profile)).toContain(
      "Input should be 'baseline', 'premium', 'frontier' or 'custom' [type=literal_error",
    );

    const unknown = await client.callTool({ name: "plan_delete", arguments: {} });
    expect(unknown).toEqual({
      content: [{ type: "text", text: "Unknown tool: plan_delete" }],
      isError: true,
    });

    // Unknown arguments are dropped silently.
    const extra = await client.callTool({ name: "example_prompts", arguments: { verbose: true } });
    expect(extra.isError).toBe(false);
  });

  it("answers /mcp/ like /mcp, with no Mcp-Session-Id (stateless)", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    const response = await fetch("http://planexe.test/mcp/", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        ...AUTH,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("mcp-session-id")).toBeNull();
    const body = (await response.json()) as { result: { tools: unknown[] } };
    expect(body.result.tools).toHaveLength(ALL_TOOLS.length);
  });

  it("says INSUFFICIENT_CREDITS while credits are out", async () => {
    const { fetch, world } = setup({ insufficientCredits: true });
    cleanup = () => world.close();
    const client = await connectClient(fetch);
    const refused = await client.callTool({ name: "plan_create", arguments: { prompt: "x" } });
    expect(structured(refused).error).toMatchObject({ code: "INSUFFICIENT_CREDITS" });
    world.setInsufficientCredits(false);
    const created = await client.callTool({ name: "plan_create", arguments: { prompt: "x" } });
    expect(created.isError).toBe(false);
  });
});

describe("scripted tool errors", () => {
  it("failNextCall answers the next calls of a tool with the given error, then recovers", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    const client = await connectClient(fetch);
    world.failNextCall(
      "model_profiles",
      { code: "MODEL_PROFILES_UNAVAILABLE", message: "No profiles right now." },
      { times: 2 },
    );
    for (let i = 0; i < 2; i++) {
      const failed = await client.callTool({ name: "model_profiles", arguments: {} });
      expect(failed.isError).toBe(true);
      expect(structured(failed).error).toEqual({
        code: "MODEL_PROFILES_UNAVAILABLE",
        message: "No profiles right now.",
      });
    }
    const ok = await client.callTool({ name: "model_profiles", arguments: {} });
    expect(ok.isError).toBe(false);
  });

  it("failNextCall with { text } answers as PlanExe does when the server throws: text only", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    const client = await connectClient(fetch);
    world.failNextCall("plan_list", { text: "Error executing tool plan_list: connection refused" });
    const failed = await client.callTool({ name: "plan_list", arguments: {} });
    expect(failed).toEqual({
      content: [{ type: "text", text: "Error executing tool plan_list: connection refused" }],
      isError: true,
    });
  });
});
