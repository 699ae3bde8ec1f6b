import { afterEach, describe, expect, it } from "vitest";
import { initializeRequest } from "../contract/fixtures.js";
import { AUTH, BASE, createPlan, post, setup, toolCall } from "./helpers.js";

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function readAll(response: Response, advance: () => Promise<void>): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let done = false;
  while (!done) {
    const chunk = reader.read().then((r) => r);
    let settled = false;
    chunk.then(() => {
      settled = true;
    });
    while (!settled) await advance();
    const { value, done: end } = await chunk;
    if (value) text += decoder.decode(value, { stream: true });
    done = end;
  }
  return text;
}

describe("REST mirror, healthcheck, /mcp transport", () => {
  it("GET /mcp/tools lists every tool with a JSON Schema and PlanExe's annotations", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    const body = (await (await fetch(`${BASE}/mcp/tools`)).json()) as {
      tools: {
        name: string;
        inputSchema: { type: string; properties: object };
        annotations: object;
      }[];
    };
    expect(body.tools).toHaveLength(11);
    const create = body.tools.find((t) => t.name === "plan_create");
    expect(create?.inputSchema).toMatchObject({ type: "object", required: ["prompt"] });
    expect(create?.annotations).toEqual({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: true,
    });
  });

  it("POST /mcp/tools/call returns {content:[{text}], error}; what /mcp words as text is INTERNAL_ERROR here", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    const call = async (body: unknown) =>
      (await (await fetch(`${BASE}/mcp/tools/call`, post(body, AUTH))).json()) as {
        content: { text: string }[];
        error: unknown;
      };
    const created = await call({ tool: "plan_create", arguments: { prompt: "rest" } });
    expect(created.error).toBeNull();
    const planId = JSON.parse(created.content[0]!.text).plan_id;
    expect(world.getPlan(planId)?.prompt).toBe("rest");
    const missing = await call({ tool: "plan_status", arguments: { plan_id: "nope" } });
    expect(missing.error).toEqual({ code: "PLAN_NOT_FOUND", message: "Plan not found: nope" });
    expect(JSON.parse(missing.content[0]!.text)).toEqual({ error: missing.error });
    expect(await call({ tool: "nope", arguments: {} })).toEqual({
      content: [],
      error: { code: "INTERNAL_ERROR", message: "Unknown tool: nope" },
    });
    const bad = await call({ tool: "plan_status", arguments: {} });
    expect(bad.error).toMatchObject({
      code: "INTERNAL_ERROR",
      message: expect.stringMatching(/^Error executing tool plan_status: 1 validation error/),
    });
  });

  it("answers GET /mcp and /mcp/ with a long-lived, empty SSE stream, without a key", async () => {
    const { fetch, world, app } = setup();
    cleanup = () => world.close();
    for (const path of ["/mcp", "/mcp/"]) {
      const response = await fetch(`${BASE}${path}`, { headers: { accept: "text/event-stream" } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/event-stream");
      const reader = response.body!.getReader();
      let settled = false;
      const read = reader.read().then((chunk) => {
        settled = true;
        return chunk;
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(settled).toBe(false); // open, and not one byte
      app.drain(); // a stopping replica cuts it
      await expect(read).rejects.toThrow(/terminated/);
    }
  });

  it("answers a notification POST with 202 and no Mcp-Session-Id (stateless)", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    const note = await fetch(
      `${BASE}/mcp`,
      post({ jsonrpc: "2.0", method: "notifications/initialized" }),
    );
    expect(note.status).toBe(202);
    const init = await fetch(`${BASE}/mcp`, post(initializeRequest(1)));
    expect(init.status).toBe(200);
    expect(init.headers.has("mcp-session-id")).toBe(false);
  });

  it("answers 413 to a POST body over 1 MiB, by Content-Length or by size (maxBodyBytes sets it)", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    const big = toolCall("plan_create", { prompt: "x".repeat(1_048_576) });
    for (const path of ["/mcp", "/mcp/", "/mcp/tools/call"]) {
      const response = await fetch(`${BASE}${path}`, post(big, AUTH));
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ detail: "Request body too large" });
    }
    const declared = await fetch(`${BASE}/mcp`, {
      ...post(toolCall("example_prompts"), AUTH),
      headers: { "content-length": "2000000", "content-type": "application/json" },
    });
    expect(declared.status).toBe(413);
    expect(world.store.list()).toHaveLength(0);
    const small = setup({}, { maxBodyBytes: 100 });
    const refused = await small.fetch(
      `${BASE}/mcp`,
      post(toolCall("plan_create", { prompt: "x".repeat(100) }), AUTH),
    );
    expect(refused.status).toBe(413);
    small.world.close();
  });

  it("answers 404 {detail: Not Found} to unknown paths", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    const notFound = await fetch(`${BASE}/nope`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ detail: "Not Found" });
  });
});

describe("progress stream", () => {
  it("streams a plan's progress from the world until `complete`", async () => {
    const { fetch, world, clock } = setup({ planSeconds: 30 });
    cleanup = () => world.close();
    const planId = createPlan(world, "stream me");
    const response = await fetch(`${BASE}/sse/plan/${planId}`);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await readAll(response, () => clock.advance(1_000));
    expect(text.startsWith("retry: 5000")).toBe(true);
    const statuses = [...text.matchAll(/event: status\n(?:id: .*\n)?data: (.*)\n/g)].map((m) =>
      JSON.parse(m[1]!),
    );
    expect(statuses.length).toBeGreaterThan(3);
    const progress = statuses.map((s) => s.progress_percentage);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(text).toMatch(/event: complete\n/);
    const complete = JSON.parse(/event: complete\n(?:id: .*\n)?data: (.*)\n/.exec(text)![1]!);
    expect(complete).toMatchObject({
      plan_id: planId,
      state: "completed",
      progress_percentage: 100,
    });
  });

  it("drain() cuts this replica's open streams, as today's PlanExe (no drain)", async () => {
    const { fetch, world, app, clock } = setup({ planSeconds: 600 });
    cleanup = () => world.close();
    const response = await fetch(`${BASE}/sse/plan/${createPlan(world, "cut")}`);
    await clock.advance(1);
    expect(app.openStreams).toBe(1);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("retry: 5000");
    app.drain();
    const rest = (async () => {
      for (;;) if ((await reader.read()).done) return;
    })();
    await expect(rest).rejects.toThrow(/terminated/);
    expect(app.openStreams).toBe(0);
  });

  it("with the proposal, drain() ends this replica's open streams with a short retry", async () => {
    const { fetch, world, app, clock } = setup({ planSeconds: 600 }, { proposal: true });
    cleanup = () => world.close();
    const planId = createPlan(world, "drain");
    const response = await fetch(`${BASE}/sse/plan/${planId}`);
    await clock.advance(1);
    expect(app.openStreams).toBe(1);
    app.drain();
    const text = await readAll(response, () => clock.advance(100));
    expect(text).toMatch(/retry: 250\n/);
    expect(text).not.toMatch(/event: complete/);
    expect(app.openStreams).toBe(0);
  });
});
