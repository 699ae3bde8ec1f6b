import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator } from "../../src/emulator/index.js";
import { callTool, isAlive, waitFor } from "./helpers.js";

const stateDir = mkdtempSync(join(tmpdir(), "planexe-orphans-"));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

function startSupervisor(): Promise<{ pid: number; url: string; pids: number[] }> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const child = spawn(
    process.execPath,
    ["--import", tsx, join(import.meta.dirname, "fixtures", "supervisor.ts"), stateDir],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("\n")) resolve({ pid: child.pid as number, ...JSON.parse(out) });
    });
    child.once("exit", (code) => reject(new Error(`supervisor exited with ${code}`)));
  });
}

describe("the emulator's processes", () => {
  it("exit when their supervisor is SIGKILLed, and a new emulator on the same state still has the plan", async () => {
    const supervisor = await startSupervisor();
    expect(supervisor.pids).toHaveLength(2);
    const created = await callTool(supervisor.url, "plan_create", {
      prompt: "Outlive my supervisor",
    });
    const planId = created.result?.plan_id as string;
    expect(planId).toMatch(/^[0-9a-f-]{36}$/);

    await waitFor(
      async () =>
        (await callTool(supervisor.url, "plan_status", { plan_id: planId })).result?.state ===
        "processing",
      { what: "the worker to take the plan" },
    );

    // No chance to clean up: only the IPC channel closing tells the children.
    process.kill(supervisor.pid, "SIGKILL");
    await waitFor(() => supervisor.pids.every((pid) => !isAlive(pid)), {
      what: "the replica and the worker to exit",
    });

    const next = await startEmulator({ port: 0, replicas: 1, planSeconds: 30, stateDir });
    try {
      const status = await callTool(next.url, "plan_status", { plan_id: planId });
      // The worker died mid-plan: the plan is kept, failed as proposal 80 says, and can be retried.
      expect(status.result).toMatchObject({
        plan_id: planId,
        state: "failed",
        error: { failure_reason: "worker_error", recoverable: true },
      });
    } finally {
      await next.stop({ graceMs: 500 });
    }
  }, 60_000);

  it("do not keep a host alive on Ctrl-C: SIGINT still ends it (no handler of its own), and them with it", async () => {
    const supervisor = await startSupervisor();
    process.kill(supervisor.pid, "SIGINT");
    await waitFor(() => !isAlive(supervisor.pid), { what: "the host to exit" });
    await waitFor(() => supervisor.pids.every((pid) => !isAlive(pid)), {
      what: "the replica and the worker to exit",
    });
  }, 60_000);
});
