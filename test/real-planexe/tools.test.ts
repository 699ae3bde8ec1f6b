import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanExeClient } from "../../src/index.js";
import type { PlanClientWatchEvent } from "../../src/sse/events.js";
import { MAIN, requireBuild, runCli } from "../cli/helpers.js";
import { initializeRequest } from "../contract/fixtures.js";
import { waitFor } from "../emulator/helpers.js";
import { movePlan, type RealServer, startReal, stopReal, USER_KEY } from "./support/kit.js";

// PlanExe's own mcp_cloud, its PostgreSQL, no worker: plans move by SQL, as the worker would move them.
let real: RealServer;
let client: PlanExeClient;

beforeAll(async () => {
  real = await startReal();
  client = new PlanExeClient({ baseUrl: real.url, apiKey: USER_KEY });
});

afterAll(async () => {
  await client?.close();
  await stopReal();
});

describe("every tool through PlanExeClient answers typed", () => {
  it("the free tools parse with the client's schemas", async () => {
    const prompts = await client.examplePrompts();
    expect(prompts.samples.length).toBeGreaterThan(0);
    const plans = await client.examplePlans();
    expect(plans.plans[0]).toMatchObject({ title: expect.any(String) });
    const profiles = await client.modelProfiles();
    expect(profiles.default_profile).toBe("baseline");
    expect(profiles.profiles.map((p) => p.profile)).toContain("baseline");
  });

  it("a plan's life: create (deduplicated), status, list, file info, feedback, stop, resume, fail, retry", async () => {
    const prompt = `A bakery in Lisbon, real-server leg ${Date.now()}`;
    const created = await client.createPlan(prompt);
    expect(created.plan_id).toMatch(/^[0-9a-f-]{36}$/);
    const again = await client.createPlan(prompt);
    expect(again).toMatchObject({ plan_id: created.plan_id, deduplicated: true });
    const id = created.plan_id;

    const pending = await client.getStatus(id);
    expect(pending).toMatchObject({ plan_id: id, state: "pending", progress_percentage: 0 });
    const list = await client.listPlans({ limit: 5 });
    expect(list.plans.map((p) => p.plan_id)).toContain(id);
    expect(await client.getFileInfo(id)).toMatchObject({ ready: false, reason: "processing" });
    const feedback = await client.sendFeedback("plan", "Clear steps", { plan_id: id, rating: 5 });
    expect(feedback.feedback_id).toMatch(/^[0-9a-f-]{36}$/);

    await movePlan(id, "processing", 40);
    const processing = await client.getStatus(id);
    expect(processing).toMatchObject({ state: "processing", progress_percentage: 40 });
    expect(processing.steps_completed).toBe(4);

    await expect(client.stopPlan(id)).resolves.toMatchObject({
      state: "stopped",
      stop_requested: true,
    });
    const resumed = await client.resumePlan(id);
    expect(resumed).toMatchObject({ plan_id: id, state: "pending", resume_count: 1 });
    // A pending plan cannot be retried: the server's own code, typed.
    await expect(client.retryPlan(id)).rejects.toMatchObject({ code: "PLAN_NOT_FAILED" });

    await movePlan(
      id,
      "failed",
      70,
      "failure_reason='generation_error', failed_step='step 7', error_message='boom', recoverable=true",
    );
    const failed = await client.getStatus(id);
    expect(failed.state).toBe("failed");
    expect(failed.error).toMatchObject({ failure_reason: "generation_error", recoverable: true });
    const retried = await client.retryPlan(id);
    expect(retried).toMatchObject({ plan_id: id, state: "pending" });

    await expect(client.getStatus("00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({
      name: "PlanNotFoundError",
      code: "PLAN_NOT_FOUND",
    });
  });

  it("a failed plan's report fails at once as generation_failed, not as 'not ready'", async () => {
    const { plan_id: id } = await client.createPlan(`Failing plan ${Date.now()}`);
    await movePlan(id, "failed", 30, "failure_reason='generation_error', error_message='boom'");
    // PlanExe answers {ready: false, reason: "failed", error: {code: "generation_failed"}} with isError false.
    await expect(client.getFileInfo(id)).rejects.toMatchObject({ code: "generation_failed" });
    const started = Date.now();
    await expect(
      client.download(id, { signal: AbortSignal.timeout(30_000) }),
    ).rejects.toMatchObject({ code: "generation_failed" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a completed plan whose bytes the worker cannot serve: getFileInfo fails typed as content_unavailable", async () => {
    const { plan_id: id } = await client.createPlan(`Completed plan ${Date.now()}`);
    await movePlan(id, "completed", 100);
    await expect(client.getFileInfo(id)).rejects.toMatchObject({ code: "content_unavailable" });
  });
});

describe("the progress stream through client.watch", () => {
  it("follows the plan moved by SQL and ends with exactly one complete", async () => {
    const { plan_id: id } = await client.createPlan(`Watched plan ${Date.now()}`);
    const events: PlanClientWatchEvent[] = [];
    const watch = client.watch(id);
    const consumed = (async () => {
      for await (const event of watch) events.push(event);
    })();
    const statusAt = (progress: number) =>
      waitFor(() => events.some((e) => e.type === "status" && e.progress_percentage === progress), {
        timeoutMs: 15_000,
        everyMs: 100,
        what: `a status at ${progress} %`,
      });
    await statusAt(0);
    await movePlan(id, "processing", 30);
    await statusAt(30);
    await movePlan(id, "processing", 60);
    await statusAt(60);
    await movePlan(id, "completed", 100);
    await waitFor(() => events.some((e) => e.type === "complete"), {
      timeoutMs: 15_000,
      everyMs: 100,
      what: "complete",
    });
    await consumed;
    const progress = events.filter((e) => e.type === "status").map((e) => e.progress_percentage);
    expect(progress).toEqual([0, 30, 60]);
    expect(events.filter((e) => e.type === "complete")).toEqual([
      expect.objectContaining({ type: "complete", state: "completed", progress_percentage: 100 }),
    ]);
    expect(await watch.closed).toMatchObject({ reason: "complete" });
  });
});

describe("the real auth answers", () => {
  it("a bad key is refused at connect (JSON-RPC -32001 on 200) and fails typed at once, even for a free tool", async () => {
    const raw = await fetch(`${real.url}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "x-api-key": "pex_not_a_real_key_000000000000",
      },
      body: JSON.stringify(initializeRequest(7)),
    });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toMatchObject({ id: 7, error: { code: -32001 } });

    const bad = new PlanExeClient({ baseUrl: real.url, apiKey: "pex_not_a_real_key_000000000000" });
    const started = Date.now();
    try {
      const error = await bad.examplePrompts().catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "AuthError", code: "AUTH_FAILED" });
      expect(String((error as Error).message)).not.toContain("pex_not_a_real_key");
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await bad.close();
    }
  });

  it("without a key the free tools answer and a paid tool fails typed", async () => {
    const anonymous = new PlanExeClient({ baseUrl: real.url });
    try {
      await expect(anonymous.modelProfiles()).resolves.toMatchObject({
        default_profile: "baseline",
      });
      await expect(anonymous.listPlans()).rejects.toMatchObject({ code: "AUTH_FAILED" });
    } finally {
      await anonymous.close();
    }
  });
});

describe("planexe-client doctor --contract against the real server", () => {
  it("finds nothing that breaks the client, the heartbeat included", async () => {
    requireBuild();
    const { plan_id: id } = await client.createPlan(`Plan for the heartbeat ${Date.now()}`);
    await movePlan(id, "processing", 20);
    const [plain, heartbeat, wrongKey] = await Promise.all([
      runCli(MAIN, ["doctor", "--contract", "--url", real.url]),
      runCli(MAIN, ["doctor", "--contract", "--heartbeat", "--url", real.url], {
        PLANEXE_API_KEY: USER_KEY,
      }),
      runCli(MAIN, ["doctor", "--contract", "--url", real.url], {
        PLANEXE_API_KEY: "pex_not_a_real_key_000000000000",
      }),
    ]);
    console.info(`doctor --contract --heartbeat against the real server:\n${heartbeat.stdout}`);
    for (const run of [plain, heartbeat]) {
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /11 tools listed \(11 in the contract\), 3 free tools answered, auth required, stream retry: 5000/,
      );
      expect(run.stdout).not.toMatch(/BREAKS/);
    }
    // PlanExe sends one after 20 s of silence, checked at its 3 s polls.
    expect(heartbeat.stdout).toMatch(/heartbeat after 2[0-4]\.\d s of silence/);
    // A key PlanExe refuses shows at connect, as a host would meet it; the key is never printed.
    expect(wrongKey.code).toBe(3);
    expect(wrongKey.stderr).toMatch(/no tool list/);
    expect(wrongKey.stderr + wrongKey.stdout).not.toContain("pex_not_a_real_key");
  });
});
