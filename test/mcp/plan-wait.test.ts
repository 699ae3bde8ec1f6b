import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import {
  callWithProgress,
  type LocalServer,
  type Progress,
  startLocalServer,
  structured,
} from "./helpers.js";

let emulator: Emulator;
let server: LocalServer;

beforeAll(async () => {
  // Short plans, so plan_wait sees one end to end.
  emulator = await startEmulator({
    port: 0,
    replicas: 1,
    planSeconds: 4,
    pollIntervalMs: 100,
    heartbeatMs: 1000,
    healthIntervalMs: 100,
    workerPollMs: 50,
    graceMs: 500,
  });
  server = await startLocalServer(emulator.url);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await emulator?.stop({ graceMs: 500 });
});

describe("plan_wait", () => {
  it("reports each new snapshot as progress, in order, and ends done: true exactly once", async () => {
    const created = await callWithProgress(server.client, "plan_create", {
      prompt: "A plan followed with plan_wait",
    });
    const planId = String(structured(created.result).plan_id);
    const progress: Progress[] = [];
    const answers: Array<Record<string, unknown>> = [];
    // A model's loop: call again while done is false (short windows, so it takes several calls).
    for (let i = 0; i < 30; i++) {
      const { result, progress: got } = await callWithProgress(server.client, "plan_wait", {
        plan_id: planId,
        timeout_s: 1.5,
      });
      expect(result.isError).toBeFalsy();
      progress.push(...got);
      answers.push(structured(result));
      if (structured(result).done === true) break;
    }
    expect(answers.filter((a) => a.done === true)).toHaveLength(1);
    const last = answers.at(-1);
    expect(last).toMatchObject({ done: true, plan_id: planId, state: "completed" });
    expect(String(last?.message)).toMatch(/plan_file_info/);
    for (const early of answers.slice(0, -1))
      expect(String(early.message)).toMatch(/call plan_wait again/i);
    expect(answers.length).toBeGreaterThan(1);
    // Progress as a host shows it: percentages, out of 100, never going back.
    expect(progress.length).toBeGreaterThan(3);
    for (const p of progress) expect(p.total).toBe(100);
    const values = progress.map((p) => p.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values.at(-1)).toBe(100);
    expect(progress.some((p) => /^\d+\/\d+ \w+/.test(p.message ?? ""))).toBe(true);
  }, 60_000);

  it("returns done: true at once for a plan that already ended, and a typed error for an unknown plan", async () => {
    const created = await callWithProgress(server.client, "plan_create", { prompt: "Ends fast" });
    const planId = String(structured(created.result).plan_id);
    let answer: Record<string, unknown> = {};
    for (let i = 0; i < 30 && answer.done !== true; i++)
      answer = structured(
        (await callWithProgress(server.client, "plan_wait", { plan_id: planId })).result,
      );
    const again = await callWithProgress(server.client, "plan_wait", { plan_id: planId });
    expect(structured(again.result)).toMatchObject({ done: true, state: "completed" });
    const unknown = await callWithProgress(server.client, "plan_wait", {
      plan_id: "00000000-0000-4000-8000-000000000000",
    });
    expect(unknown.result.isError).toBe(true);
    expect(structured(unknown.result).error).toMatchObject({ code: "PLAN_NOT_FOUND" });
  }, 60_000);
});
