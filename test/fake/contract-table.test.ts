import { afterEach, describe, expect, it } from "vitest";
import type { PlanExeWorld } from "../../src/fake/index.js";
import { BASE, createPlan, setup } from "./helpers.js";

/** The contract's tool table and progress stream, fact by fact, on the double's defaults. */

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function call(world: PlanExeWorld, name: string, args: Record<string, unknown> = {}) {
  const outcome = world.callTool(name, args);
  return outcome.ok ? outcome.result : { error: outcome.error };
}

function start(...args: Parameters<typeof setup>) {
  const env = setup(...args);
  cleanup = () => env.world.close();
  return env;
}

describe("plan_status", () => {
  it("sends every key; steps, current_step and last_progress_at are null until the worker reports", () => {
    const { world } = start({ workers: 0 });
    const planId = createPlan(world, "p");
    expect(call(world, "plan_status", { plan_id: planId })).toEqual({
      plan_id: planId,
      state: "pending",
      progress_percentage: 0,
      steps_completed: null,
      steps_total: null,
      current_step: null,
      timing: { started_at: "2026-01-01T00:00:00Z", elapsed_sec: 0, last_progress_at: null },
      files_count: 0,
      files: [],
      sse_url: `http://localhost:8001/sse/plan/${planId}`,
    });
  });

  it("a failed plan has error {failure_reason, failed_step, message, recoverable} and no sse_url", async () => {
    const { world, clock } = start({ planSeconds: 60 });
    const planId = createPlan(world, "p");
    await clock.advance(10_000);
    world.failPlan(planId, { failure_reason: "worker_error", message: "boom", recoverable: true });
    const status = call(world, "plan_status", { plan_id: planId });
    expect(status).toMatchObject({
      state: "failed",
      error: {
        failure_reason: "worker_error",
        failed_step: expect.any(String),
        message: "boom",
        recoverable: true,
      },
    });
    expect(status).not.toHaveProperty("sse_url");
    // elapsed_sec keeps counting from the creation time, whatever the state.
    await clock.advance(5_000);
    expect(
      (call(world, "plan_status", { plan_id: planId }).timing as { elapsed_sec: number })
        .elapsed_sec,
    ).toBe(15);
  });
});

describe("plan_create, plan_stop, plan_retry, send_feedback", () => {
  it("plan_create takes any string (an empty prompt, an unchecked start_date); created_at is …Z", () => {
    const { world } = start({ workers: 0 });
    const created = call(world, "plan_create", { prompt: "", start_date: "next Tuesday" });
    expect(created).toEqual({
      plan_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      created_at: "2026-01-01T00:00:00Z",
      sse_url: expect.stringContaining("/sse/plan/"),
    });
  });

  it("INSUFFICIENT_CREDITS only on plan_create (retry and resume do not check credits)", async () => {
    const { world, clock } = start({ planSeconds: 60 });
    const planId = createPlan(world, "p");
    await clock.advance(2_000);
    call(world, "plan_stop", { plan_id: planId });
    world.setInsufficientCredits(true);
    expect(call(world, "plan_create", { prompt: "q" })).toEqual({
      error: {
        code: "INSUFFICIENT_CREDITS",
        message: "Not enough credits. Top up at https://home.planexe.org/",
      },
    });
    expect(call(world, "plan_retry", { plan_id: planId })).toMatchObject({ state: "pending" });
  });

  it("plan_stop: stopped at once; stop_requested false when already terminal", () => {
    const { world } = start({ workers: 0 });
    const planId = createPlan(world, "p");
    expect(call(world, "plan_stop", { plan_id: planId })).toEqual({
      state: "stopped",
      stop_requested: true,
    });
    expect(call(world, "plan_stop", { plan_id: planId })).toEqual({
      state: "stopped",
      stop_requested: false,
    });
  });

  it("plan_retry of a running plan: PLAN_NOT_FAILED with PlanExe's words, no details", () => {
    const { world } = start({ workers: 0 });
    const planId = createPlan(world, "p");
    expect(call(world, "plan_retry", { plan_id: planId })).toEqual({
      error: {
        code: "PLAN_NOT_FAILED",
        message: `Plan is not in failed or stopped state: ${planId}`,
      },
    });
  });

  it("send_feedback takes any category and an empty message; an unknown plan_id is PLAN_NOT_FOUND; received_at is …Z", async () => {
    const { world, clock } = start({ workers: 0 });
    await clock.advance(1_234);
    expect(call(world, "send_feedback", { category: "praise", message: "" })).toEqual({
      feedback_id: expect.any(String),
      received_at: "2026-01-01T00:00:01.234000Z",
      message: "Feedback received. Thank you.",
    });
    expect(
      call(world, "send_feedback", { category: "plan", message: "x", plan_id: "nope" }),
    ).toEqual({
      error: { code: "PLAN_NOT_FOUND", message: "Plan not found: nope" },
    });
    expect(world.feedback).toHaveLength(1);
  });
});

/** Reads a stream on the manual clock until it ends (or `limitMs` of virtual time passed). */
async function readStream(response: Response, advance: () => Promise<void>, limitMs = 200) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (let i = 0; i < limitMs; i++) {
    let settled = false;
    const next = reader.read().finally(() => {
      settled = true;
    });
    while (!settled) await advance();
    const { value, done } = await next;
    if (value) text += decoder.decode(value, { stream: true });
    if (done) return text;
  }
  await reader.cancel();
  return text;
}

describe("the progress stream, as today's server sends it (the double's default)", () => {
  it("retry: 5000 first, no ids, a status only on change, complete then close", async () => {
    const { fetch, world, clock } = start({ planSeconds: 30 });
    const planId = createPlan(world, "stream");
    const response = await fetch(`${BASE}/sse/plan/${planId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    const text = await readStream(response, () => clock.advance(500));
    expect(text.startsWith("retry: 5000\n\n")).toBe(true);
    expect(text).not.toMatch(/^id:/m);
    const statuses = [...text.matchAll(/^event: status\ndata: (.*)$/gm)].map((m) =>
      JSON.parse(m[1]!),
    );
    const keys = statuses.map((s) => `${s.state}|${s.progress_percentage}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(text.trimEnd().split("\n\n").at(-1)).toMatch(
      /^event: complete\ndata: .*"state": "completed"/,
    );
  });

  it("a heartbeat only at a poll tick once 20 s passed without an event", async () => {
    const { fetch, world, clock } = start({ workers: 0 });
    const planId = createPlan(world, "quiet");
    const response = await fetch(`${BASE}/sse/plan/${planId}`);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    const times: number[] = [];
    const t0 = clock.now();
    while (times.length < 2) {
      let settled = false;
      const next = reader.read().finally(() => {
        settled = true;
      });
      while (!settled) await clock.advance(100);
      const chunk = decoder.decode((await next).value);
      text += chunk;
      if (chunk.includes("event: heartbeat")) times.push(clock.now() - t0);
    }
    await reader.cancel();
    // Polls every 3 s: the first tick 20 s after the status is at 21 s, then 42 s.
    expect(times).toEqual([21_000, 42_000]);
    expect(text).toMatch(/event: heartbeat\ndata: \{"timestamp": "2026-01-01T00:00:21Z"\}/);
  });

  it("an unknown plan: 200, then event: error PLAN_NOT_FOUND, closed", async () => {
    const { fetch, clock } = start({ workers: 0 });
    const response = await fetch(`${BASE}/sse/plan/0b5e1a52-4c3e-4d8e-9a56-8a2b3c4d5e6f`);
    expect(response.status).toBe(200);
    expect(await readStream(response, () => clock.advance(100))).toBe(
      'retry: 5000\n\nevent: error\ndata: {"code": "PLAN_NOT_FOUND", "message": "Plan not found: 0b5e1a52-4c3e-4d8e-9a56-8a2b3c4d5e6f"}\n\n',
    );
  });

  it("over 5 streams per client address: 200 text/event-stream, then a body that aborts with no bytes", async () => {
    const { fetch, world } = start({ workers: 0 });
    const planId = createPlan(world, "many");
    const from = { headers: { "x-real-ip": "203.0.113.7" } };
    const open = [];
    for (let i = 0; i < 5; i++) open.push(await fetch(`${BASE}/sse/plan/${planId}`, from));
    const refused = await fetch(`${BASE}/sse/plan/${planId}`, from);
    expect(refused.status).toBe(200);
    expect(refused.headers.get("content-type")).toContain("text/event-stream");
    const reader = refused.body!.getReader();
    await expect(reader.read()).rejects.toBeDefined();
    // Another address is not held by it.
    const other = await fetch(`${BASE}/sse/plan/${planId}`, {
      headers: { "x-real-ip": "203.0.113.8" },
    });
    expect(new TextDecoder().decode((await other.body!.getReader().read()).value)).toContain(
      "retry: 5000",
    );
    for (const response of open) await response.body?.cancel();
  });
});

describe("the progress stream with the proposal (`proposal: true`)", () => {
  it("ids on status and complete, resume by Last-Event-ID, a real 429 over the connection limit", async () => {
    const { fetch, world, clock } = start({ workers: 0 }, { proposal: true });
    const planId = createPlan(world, "proposal");
    const first = await fetch(`${BASE}/sse/plan/${planId}`);
    const reader = first.body!.getReader();
    let text = "";
    while (!text.includes("event: status"))
      text += new TextDecoder().decode((await reader.read()).value);
    const id = /^id: (.*)$/m.exec(text)?.[1];
    expect(id).toEqual(expect.any(String));
    await reader.cancel();
    // Resume: the snapshot the client holds is not sent again.
    const resumed = await fetch(`${BASE}/sse/plan/${planId}`, {
      headers: { "last-event-id": id! },
    });
    const resumedReader = resumed.body!.getReader();
    expect(new TextDecoder().decode((await resumedReader.read()).value)).toBe("retry: 5000\n\n");
    await clock.advance(3_000);
    await resumedReader.cancel();

    const from = { headers: { "x-real-ip": "203.0.113.7" } };
    const open = [];
    for (let i = 0; i < 5; i++) open.push(await fetch(`${BASE}/sse/plan/${planId}`, from));
    const refused = await fetch(`${BASE}/sse/plan/${planId}`, from);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: "SSE_CONNECTION_LIMIT" } });
    for (const response of open) await response.body?.cancel();
  });
});
