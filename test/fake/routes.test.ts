import { afterEach, describe, expect, it } from "vitest";
import { BASE, createPlan, setup } from "./helpers.js";

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

describe("REST mirror, healthcheck, progress stream", () => {
  it("GET /mcp/tools lists every tool with a JSON Schema", async () => {
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
    expect(create?.annotations).toEqual({ readOnlyHint: false, idempotentHint: true });
  });

  it("POST /mcp/tools/call returns {content:[{text}], error} for results and tool errors", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    const post = async (body: unknown) =>
      (await (
        await fetch(`${BASE}/mcp/tools/call`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        })
      ).json()) as { content: { text: string }[]; error: unknown };
    const created = await post({ tool: "plan_create", arguments: { prompt: "rest" } });
    expect(created.error).toBeNull();
    const planId = JSON.parse(created.content[0]!.text).plan_id;
    expect(world.getPlan(planId)?.prompt).toBe("rest");
    const missing = await post({ tool: "plan_status", arguments: { plan_id: "nope" } });
    expect(missing.error).toMatchObject({ code: "PLAN_NOT_FOUND" });
    expect(JSON.parse(missing.content[0]!.text)).toEqual({ error: missing.error });
    expect((await post({ tool: "nope" })).error).toMatchObject({ code: "INVALID_TOOL" });
  });

  it("answers 405 to GET /mcp (no standalone SSE stream) and 404 to unknown paths", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    expect((await fetch(`${BASE}/mcp`)).status).toBe(405);
    const notFound = await fetch(`${BASE}/nope`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ detail: "Not Found" });
  });

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

  it("drain() ends this replica's open streams with a short retry", async () => {
    const { fetch, world, app, clock } = setup({ planSeconds: 600 });
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
