import { describe, expect, it } from "vitest";
import { planexeResult, rpcResult } from "../contract/fixtures.js";
import { setup } from "./helpers.js";

const WINDOW_MS = 120_000;
const PROBE_INTERVAL_MS = 1_000;

describe("PlanExeClient through a 120 s restart window", () => {
  it("every helper, called at any point in the window, resolves after it with the right value; the server gets them in call order", async () => {
    const { double, clock, client, run } = setup();
    // Before the deploy: one completed plan, two failed ones, one running.
    const done = await run(client.createPlan("A bakery in Lisbon"));
    await clock.advance(610_000);
    const toRetry = await run(client.createPlan("A failed plan to retry"));
    const toResume = await run(client.createPlan("A failed plan to resume"));
    double.world.failPlan(toRetry.plan_id);
    double.world.failPlan(toResume.plan_id);
    const toStop = await run(client.createPlan("A plan to stop"));

    const window = double.deploy.restart({ windowMs: WINDOW_MS });
    const calls = {
      createPlan: () => client.createPlan("A plan made during the deploy"),
      getStatus: () => client.getStatus(done.plan_id),
      stopPlan: () => client.stopPlan(toStop.plan_id),
      retryPlan: () => client.retryPlan(toRetry.plan_id),
      resumePlan: () => client.resumePlan(toResume.plan_id),
      getFileInfo: () => client.getFileInfo(done.plan_id),
      listPlans: () => client.listPlans({ limit: 50 }),
      examplePrompts: () => client.examplePrompts(),
      examplePlans: () => client.examplePlans(),
      modelProfiles: () => client.modelProfiles(),
      sendFeedback: () => client.sendFeedback("mcp", "Survived a deploy", { rating: 5 }),
      download: () => client.download(done.plan_id),
    };
    const order: string[] = [];
    const resolvedAt: number[] = [];
    const pending: Record<string, Promise<unknown>> = {};
    for (const [name, call] of Object.entries(calls)) {
      pending[name] = call().then((value) => {
        order.push(name);
        resolvedAt.push(clock.now());
        return value;
      });
      await clock.advance(WINDOW_MS / 12 - 1);
    }
    const names = Object.keys(calls);
    const values = await run(Promise.all(names.map((name) => pending[name])));
    const result = Object.fromEntries(names.map((name, i) => [name, values[i]])) as {
      [K in keyof typeof calls]: Awaited<ReturnType<(typeof calls)[K]>>;
    };

    expect(order.sort()).toEqual([...names].sort());
    // Waiting calls resume in the order they were made, so the server acts in that order.
    const servedEntries = double.requests
      .filter({ since: window.endsAt })
      .filter((entry) => entry.tool !== undefined || entry.path.startsWith("/download/"));
    for (const entry of servedEntries) {
      expect(entry.status).toBe(200);
      expect(entry.at - window.endsAt).toBeLessThanOrEqual(PROBE_INTERVAL_MS);
    }
    const served = servedEntries.map((entry) => entry.tool ?? "download");
    expect(served).toEqual([
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
      "plan_file_info",
      "download",
    ]);
    for (const at of resolvedAt) expect(at).toBeGreaterThanOrEqual(window.endsAt);
    expect(double.world.getPlan(result.createPlan.plan_id)?.prompt).toBe(
      "A plan made during the deploy",
    );
    expect(result.getStatus.state).toBe("completed");
    expect(result.stopPlan).toMatchObject({ state: "stopped", stop_requested: true });
    expect(result.retryPlan).toMatchObject({ plan_id: toRetry.plan_id, state: "pending" });
    expect(result.retryPlan.confirmed_by_status).toBeFalsy();
    expect(result.resumePlan).toMatchObject({ plan_id: toResume.plan_id, resume_count: 1 });
    expect(result.getFileInfo).toMatchObject({ content_type: "text/html; charset=utf-8" });
    expect(result.listPlans.plans.map((plan) => plan.plan_id)).toContain(done.plan_id);
    expect(result.examplePrompts.samples.length).toBeGreaterThan(0);
    expect(result.examplePlans.plans.length).toBeGreaterThan(0);
    expect(result.modelProfiles.default_profile).toBe("baseline");
    expect(double.world.feedback).toHaveLength(1);
    expect(result.sendFeedback.feedback_id).toBe(double.world.feedback[0]?.feedback_id);
    expect(result.download.bytes.byteLength).toBe(result.download.download_size);
    expect(double.requests.count({ status: 502, path: "/mcp" })).toBeLessThanOrEqual(names.length);
  });

  it("a client whose first call (initialize) meets the window connects once it ends; concurrent first calls share one initialize", async () => {
    const { double, clock, client, run } = setup();
    const window = double.deploy.restart({ windowMs: WINDOW_MS });
    await clock.advance(5_000);
    const [prompts, profiles, list] = await run(
      Promise.all([client.examplePrompts(), client.modelProfiles(), client.listPlans()]),
    );
    expect(clock.now()).toBeGreaterThanOrEqual(window.endsAt);
    expect(prompts.samples.length).toBeGreaterThan(0);
    expect(profiles.profiles.length).toBeGreaterThan(0);
    expect(list.plans).toEqual([]);
    expect(double.requests.count({ rpcMethod: "initialize", status: 200 })).toBe(1);
  });

  it("50 calls pending through the window cost the edge at most one probe per probe interval", async () => {
    const { double, clock, client, run } = setup();
    const plan = await run(client.createPlan("A plan to watch"));
    const window = double.deploy.restart({ windowMs: WINDOW_MS });
    const resolvedAt: number[] = [];
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      calls.push(client.getStatus(plan.plan_id).then(() => resolvedAt.push(clock.now())));
      await clock.advance(WINDOW_MS / 50 - 1);
    }
    await run(Promise.all(calls));
    const probes = double.requests.filter({ path: "/healthcheck" }).map((entry) => entry.at);
    const gaps = probes.slice(1).map((at, i) => at - probes[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(PROBE_INTERVAL_MS);
    expect(probes.length).toBeLessThanOrEqual(WINDOW_MS / PROBE_INTERVAL_MS + 1);
    const toolCallsInWindow = double.requests.count({
      tool: "plan_status",
      since: window.at,
      until: window.endsAt,
    });
    expect(toolCallsInWindow).toBe(1);
    for (const at of resolvedAt) expect(at - window.endsAt).toBeLessThanOrEqual(PROBE_INTERVAL_MS);
  });
});

describe("PlanExeClient through a rolling deploy", () => {
  it("calls spread over the window all succeed, and each createPlan makes one plan", async () => {
    const { double, clock, client, run } = setup();
    const first = await run(client.createPlan("The first plan"));
    const window = double.deploy.rolling({ windowMs: 30_000 });
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 15; i++) {
      pending.push(client.getStatus(first.plan_id));
      pending.push(client.createPlan(`Plan number ${i}`));
      await clock.advance(2_000);
    }
    const results = await run(Promise.all(pending));
    await run(window.finished);
    expect(results).toHaveLength(30);
    expect(double.world.store.list()).toHaveLength(16);
    const inWindow = double.requests.filter({
      path: "/mcp",
      since: window.at,
      until: window.endsAt,
    });
    const replicas = new Set(inWindow.map((entry) => entry.replica));
    expect(replicas.size).toBeGreaterThan(1);
  });
});

describe("calls whose answer is lost after the server acted", () => {
  it("a plan_create whose response is lost yields exactly one plan (deduplicated by the server)", async () => {
    const { double, client, run } = setup();
    await run(client.examplePrompts());
    double.failNext({ tool: "plan_create", after: "response-lost" });
    const plan = await run(client.createPlan("Open a bakery"));
    expect(double.world.store.list()).toHaveLength(1);
    expect(plan.plan_id).toBe(double.world.store.list()[0]?.plan_id);
    expect(plan.deduplicated).toBe(true);
    expect(double.requests.count({ tool: "plan_create" })).toBe(2);
  });

  it("a plan_retry whose response is lost is sent again and confirmed by plan_status, not failed", async () => {
    const { double, client, run } = setup();
    const plan = await run(client.createPlan("A plan that fails"));
    double.world.failPlan(plan.plan_id);
    double.failNext({ tool: "plan_retry", after: "response-lost" });
    const result = await run(client.retryPlan(plan.plan_id));
    expect(result).toMatchObject({
      confirmed_by_status: true,
      plan_id: plan.plan_id,
      model_profile: "baseline",
    });
    expect(["pending", "processing"]).toContain(result.state);
    expect(double.world.getPlan(plan.plan_id)?.run).toBe(1);
    expect(double.requests.count({ tool: "plan_retry" })).toBe(2);
    expect(double.requests.count({ tool: "plan_status" })).toBe(1);
  });

  it("a plan_resume whose response is lost is confirmed the same way", async () => {
    const { double, client, run } = setup();
    const plan = await run(client.createPlan("A plan that fails midway"));
    double.world.failPlan(plan.plan_id);
    double.failNext({ tool: "plan_resume", after: "response-lost" });
    const result = await run(client.resumePlan(plan.plan_id));
    expect(result.confirmed_by_status).toBe(true);
    expect(double.world.getPlan(plan.plan_id)?.resume_count).toBe(1);
  });

  /** A `plan_status` as PlanExe writes it (test/fixtures/planexe), `processing`, created at `createdAt`. */
  function processingSince(createdAt: number, planId: string) {
    const status = planexeResult("plan_status", "processing") as {
      structuredContent: Record<string, unknown> & { timing: Record<string, unknown> };
    };
    const structured = {
      ...status.structuredContent,
      plan_id: planId,
      timing: { ...status.structuredContent.timing, started_at: new Date(createdAt).toISOString() },
    };
    return {
      ...status,
      structuredContent: structured,
      content: [{ type: "text", text: JSON.stringify(structured) }],
    };
  }

  /**
   * A plan created two hours ago that failed; the next `tool` call's answer is lost after
   * the double acted, and `plan_status` then answers as PlanExe does: processing, with
   * the plan's creation time as `started_at`.
   */
  async function lostAfterTwoHours(tool: "plan_retry" | "plan_resume") {
    // The worker's idle poll once a minute, not every second: each virtual timer costs real
    // time in clock.advance, and two hours of 1 s polls took 10 s (new plans kick the worker).
    const env = setup({ workerPollMs: 60_000 });
    const plan = await env.run(env.client.createPlan("A plan that fails"));
    const createdAt = env.clock.now();
    env.double.world.failPlan(plan.plan_id);
    await env.clock.advance(2 * 3_600_000);
    env.double.failNext({ tool, after: "response-lost" });
    env.double.answerNext({
      tool: "plan_status",
      respond: ({ id }) => rpcResult(id, processingSince(createdAt, plan.plan_id)),
    });
    return { ...env, plan };
  }

  it("a lost plan_resume answer after PlanExe acted is confirmed, though started_at is the plan's creation time (kept by resume)", async () => {
    // PlanExe's plan_status after a resume: running again, creation time two hours back.
    const { double, client, run, plan } = await lostAfterTwoHours("plan_resume");
    const result = await run(client.resumePlan(plan.plan_id));
    expect(result).toMatchObject({ confirmed_by_status: true, state: "processing" });
    expect(double.world.getPlan(plan.plan_id)?.resume_count).toBe(1);
    expect(double.requests.count({ tool: "plan_resume" })).toBe(2);
  });

  it("a lost plan_retry answer is confirmed only by a creation time PlanExe reset at or after our first send", async () => {
    // A run whose creation time predates our request is not our retry: the refusal stands.
    const { client, run, plan } = await lostAfterTwoHours("plan_retry");
    const error = await run(client.retryPlan(plan.plan_id)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ToolError", code: "PLAN_NOT_FAILED" });
  });

  it("close() ends a plan_retry waiting to be sent again: it rejects and nothing more is sent", async () => {
    const { double, clock, client, run } = setup();
    const plan = await run(client.createPlan("A plan that fails"));
    double.world.failPlan(plan.plan_id);
    double.failNext({ tool: "plan_retry", after: "response-lost" });
    const retried = client.retryPlan(plan.plan_id).catch((error: unknown) => error);
    await clock.advance(0);
    expect(double.requests.count({ tool: "plan_retry" })).toBe(1);
    await client.close();
    expect(await retried).toMatchObject({ name: "AbortError" });
    const sentBeforeClose = double.requests.count();
    await clock.advance(60_000);
    expect(double.requests.count()).toBe(sentBeforeClose);
  });

  it("a plan_retry of a plan that never failed still fails with PLAN_NOT_FAILED", async () => {
    const { client, run } = setup();
    const plan = await run(client.createPlan("A healthy plan"));
    const error = await run(client.retryPlan(plan.plan_id)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ToolError", code: "PLAN_NOT_FAILED" });
  });

  it("a send_feedback cut before it reached the server is sent again and recorded once", async () => {
    const { double, client, run } = setup();
    double.failNext({ tool: "send_feedback", after: "reset-before" });
    const sent = await run(client.sendFeedback("docs", "Clear recipe"));
    expect(double.world.feedback).toHaveLength(1);
    expect(sent.feedback_id).toBe(double.world.feedback[0]?.feedback_id);
    expect(double.requests.count({ tool: "send_feedback" })).toBe(2);
  });
});
