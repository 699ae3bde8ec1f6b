import { type AddressInfo, createServer as createNetServer } from "node:net";
import type { CallToolResult, Tool } from "@modelcontextprotocol/client";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterEach, describe, expect, it } from "vitest";
import { createPlanExeWorld, type PlanExeWorld } from "../../src/fake/index.js";
import { TOOLS } from "../../src/tools/schemas/registry.js";
import { waitFor } from "../emulator/helpers.js";
import {
  callWithProgress,
  freePort,
  type LocalServer,
  type ServedPlanExe,
  servePlanExe,
  startLocalServer,
  structured,
} from "./helpers.js";

const KEY = "pex_passthrough_test_key_0001";
/** A tool newer than this package, safe to send twice. */
const COMPARE = {
  name: "plan_compare",
  description: "Compare two plans side by side (a tool newer than this package).",
  annotations: { readOnlyHint: true, idempotentHint: true },
};
/** A tool newer than this package, with no hint: its effect may not be repeated blindly. */
const ARCHIVE = { name: "plan_archive", description: "Archive a plan (newer than this package)." };

let world: PlanExeWorld | undefined;
let planexe: ServedPlanExe | undefined;
let local: LocalServer | undefined;

afterEach(async () => {
  await local?.close();
  await planexe?.close();
  world?.close();
  local = planexe = world = undefined;
});

/** PlanExe as the double serves it, listing two tools this package was built without. */
function newerPlanExe(): PlanExeWorld {
  world = createPlanExeWorld({
    apiKeys: [KEY],
    startWorker: false,
    extraTools: [COMPARE, ARCHIVE],
  });
  return world;
}

/** What PlanExe itself answers to `initialize` and `tools/list` (no local server in between). */
async function planexeOwn(url: string): Promise<{ tools: Tool[]; instructions: string }> {
  const client = new Client({ name: "reference", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
      requestInit: { headers: { "X-API-Key": KEY } },
    }),
  );
  try {
    const { tools } = await client.listTools();
    return { tools, instructions: client.getInstructions() ?? "" };
  } finally {
    await client.close();
  }
}

/** The `error` of an error result, read from its text (as a model reads it). */
function errorOf(result: CallToolResult): Record<string, unknown> {
  const text = result.content[0]?.type === "text" ? result.content[0].text : "{}";
  return (JSON.parse(text) as { error?: Record<string, unknown> }).error ?? {};
}

/** Every PlanExe tool as the host sees it: PlanExe's own words and schemas (plan_wait pointers appended). */
function expectPlanExeTools(seen: Tool[], own: Tool[]): void {
  expect(seen.map((t) => t.name)).toEqual([...own.map((t) => t.name), "plan_wait"]);
  for (const tool of own) {
    const shown = seen.find((t) => t.name === tool.name);
    expect(shown?.description?.startsWith(tool.description ?? "")).toBe(true);
    expect(shown?.inputSchema).toEqual(tool.inputSchema);
    expect(shown?.outputSchema).toEqual(tool.outputSchema);
    expect(shown?.annotations).toEqual(tool.annotations);
  }
}

describe("planexe-client mcp with PlanExe up", () => {
  it("shows PlanExe's own tools and instructions, and calls a tool the package was built without", async () => {
    planexe = await servePlanExe(newerPlanExe());
    const own = await planexeOwn(planexe.url);
    expect(own.tools.length).toBe(Object.keys(TOOLS).length + 2);
    local = await startLocalServer(planexe.url, [], { PLANEXE_API_KEY: KEY });

    const { tools } = await local.client.listTools();
    expect(tools).toHaveLength(Object.keys(TOOLS).length + 3);
    expectPlanExeTools(tools, own.tools);
    expect(tools.find((t) => t.name === "plan_status")?.description).toMatch(/prefer plan_wait/);
    const instructions = local.client.getInstructions() ?? "";
    expect(instructions.startsWith(own.instructions)).toBe(true);
    expect(instructions.slice(own.instructions.length)).toMatch(/plan_wait/);

    const { result } = await callWithProgress(local.client, "plan_compare", {
      plan_ids: ["a", "b"],
      note: `sent with ${KEY}`,
    });
    expect(result.isError).toBeFalsy();
    expect(structured(result)).toEqual({
      tool: "plan_compare",
      arguments: { plan_ids: ["a", "b"], note: "sent with ***" },
    });
    expect(JSON.stringify(result)).not.toContain(KEY);

    const before = planexe.calls("plan_nonexistent");
    const unknown = await callWithProgress(local.client, "plan_nonexistent", {});
    expect(unknown.result.isError).toBe(true);
    expect(errorOf(unknown.result)).toMatchObject({ code: "INVALID_TOOL" });
    expect(planexe.calls("plan_nonexistent")).toBe(before);
  });

  it("a new tool's refusal reaches the host as an error result, not a protocol error, with PlanExe's code", async () => {
    const planexeWorld = newerPlanExe();
    planexe = await servePlanExe(planexeWorld);
    local = await startLocalServer(planexe.url, [], { PLANEXE_API_KEY: KEY });
    // The host's SDK checks results against the listed output schemas from here on.
    await local.client.listTools();
    planexeWorld.failNextCall("plan_compare", {
      code: "PLANS_NOT_COMPARABLE",
      message: "The two plans use different profiles.",
    });
    const { result } = await callWithProgress(local.client, "plan_compare", { plan_ids: ["a"] });
    expect(result.isError).toBe(true);
    // Its JSON comes as text only: an error is not the output its schema describes.
    expect(result.structuredContent).toBeUndefined();
    expect(errorOf(result)).toMatchObject({
      code: "PLANS_NOT_COMPARABLE",
      message: expect.stringMatching(/different profiles/),
    });
  });

  it("resends a new tool's call after a lost answer only when PlanExe annotates it read-only or idempotent", async () => {
    planexe = await servePlanExe(newerPlanExe());
    local = await startLocalServer(planexe.url, [], { PLANEXE_API_KEY: KEY });

    planexe.cutNextAnswer("plan_compare");
    const compared = await callWithProgress(local.client, "plan_compare", { plan_ids: ["a"] });
    expect(compared.result.isError).toBeFalsy();
    expect(structured(compared.result)).toMatchObject({ tool: "plan_compare" });
    expect(planexe.calls("plan_compare")).toBe(2);

    planexe.cutNextAnswer("plan_archive");
    const archived = await callWithProgress(local.client, "plan_archive", { plan_id: "a" });
    expect(archived.result.isError).toBe(true);
    expect(errorOf(archived.result)).toMatchObject({
      may_have_reached_server: true,
      next_step: expect.stringMatching(/plan_archive may have taken effect/),
    });
    expect(planexe.calls("plan_archive")).toBe(1);
  });
});

describe("planexe-client mcp started while PlanExe is down", () => {
  it("does not wait for a PlanExe that accepts connections and never answers", async () => {
    const silent = createNetServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const started = Date.now();
      local = await startLocalServer(`http://127.0.0.1:${port}`, [], { PLANEXE_API_KEY: KEY });
      const { tools } = await local.client.listTools();
      // The process start plus the 1 s start wait, never PlanExe's 180 s retry deadline.
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(tools).toHaveLength(Object.keys(TOOLS).length + 1);
    } finally {
      silent.close();
    }
  });

  it("serves the built-in list at once, then PlanExe's own after tools/list_changed once it answers", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const started = Date.now();
    local = await startLocalServer(url, [], { PLANEXE_API_KEY: KEY });
    const before = await local.client.listTools();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(before.tools.map((t) => t.name).sort()).toEqual(
      [...Object.keys(TOOLS), "plan_wait"].sort(),
    );
    expect(before.tools.find((t) => t.name === "plan_stop")?.annotations).toMatchObject({
      destructiveHint: true,
    });
    const builtinInstructions = local.client.getInstructions() ?? "";
    expect(builtinInstructions).toMatch(/plan_wait/);

    let changed = 0;
    local.client.setNotificationHandler("notifications/tools/list_changed", () => {
      changed += 1;
    });
    planexe = await servePlanExe(newerPlanExe(), port);
    const own = await planexeOwn(planexe.url);
    await waitFor(() => changed > 0, {
      what: "notifications/tools/list_changed",
      timeoutMs: 20_000,
    });
    const after = await local.client.listTools();
    expectPlanExeTools(after.tools, own.tools);
    const { result } = await callWithProgress(local.client, "plan_compare", { plan_ids: ["a"] });
    expect(structured(result)).toMatchObject({
      tool: "plan_compare",
      arguments: { plan_ids: ["a"] },
    });
    // Instructions are given once, at initialize: they stay the built-in ones.
    expect(local.client.getInstructions()).toBe(builtinInstructions);
    expect(local.stderr()).toMatch(/PlanExe answered: serving its 13 tools/);
  }, 30_000);
});
