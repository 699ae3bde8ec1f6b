import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFilePlanStore } from "../../src/emulator/file-plan-store.js";
import { newPlan } from "../../src/fake/plans.js";

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "planexe-store-test-"));
  file = join(dir, "state.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const plan = (planId: string, now = 1000) =>
  newPlan({
    planId,
    userId: "u",
    prompt: `prompt ${planId}`,
    modelProfile: "baseline",
    pipelineVersion: 1,
    now,
  });

describe("the shared state file", () => {
  it("shows one replica's new plan to another, and to a store opened later (a restart)", () => {
    const a = createFilePlanStore(file);
    const b = createFilePlanStore(file);
    a.insert(plan("p1"));
    expect(b.get("p1")?.prompt).toBe("prompt p1");
    const restarted = createFilePlanStore(file);
    expect(restarted.list().map((p) => p.plan_id)).toEqual(["p1"]);
  });

  it("never loses a write when two processes change plans from stale copies", () => {
    const replica = createFilePlanStore(file);
    const worker = createFilePlanStore(file);
    replica.insert(plan("p1"));
    worker.get("p1");
    replica.insert(plan("p2"));
    // The worker's cache predates p2; its update must re-read before writing.
    worker.update("p1", (p) => ({ ...p, state: "processing" }));
    replica.update("p2", (p) => ({ ...p, stop_requested: true }));
    const fresh = createFilePlanStore(file);
    expect(fresh.get("p1")?.state).toBe("processing");
    expect(fresh.get("p2")?.stop_requested).toBe(true);
  });

  it("with coalesceWrites, writes one turn's changes as one file, holding the lock until then", async () => {
    const replica = createFilePlanStore(file);
    for (let i = 0; i < 3; i++) replica.insert(plan(`p${i}`));
    const worker = createFilePlanStore(file, { coalesceWrites: true });
    const before = readFileSync(file, "utf8");
    for (let i = 0; i < 3; i++) worker.update(`p${i}`, (p) => ({ ...p, state: "processing" }));
    expect(worker.get("p2")?.state).toBe("processing"); // its own changes at once
    expect(readFileSync(file, "utf8")).toBe(before); // nobody else's yet: one write, later
    expect(readdirSync(dir)).toContain("state.json.lock");
    await new Promise((resolve) => setImmediate(resolve));
    expect(readdirSync(dir)).toEqual(["state.json"]);
    const fresh = createFilePlanStore(file);
    expect(fresh.list().map((p) => p.state)).toEqual(["processing", "processing", "processing"]);
    replica.update("p0", (p) => ({ ...p, stop_requested: true })); // the lock is free again
    expect(createFilePlanStore(file).get("p0")).toMatchObject({
      state: "processing",
      stop_requested: true,
    });
  });

  it("replaces the file atomically: no temporary file or lock is left behind", () => {
    const store = createFilePlanStore(file);
    for (let i = 0; i < 20; i++) store.insert(plan(`p${i}`));
    expect(readdirSync(dir)).toEqual(["state.json"]);
    expect(JSON.parse(readFileSync(file, "utf8")).plans).toHaveLength(20);
  });

  it("breaks a lock left by a killed process", () => {
    const store = createFilePlanStore(file, { staleLockMs: 50 });
    writeFileSync(`${file}.lock`, "99999999");
    const old = new Date(Date.now() - 1000);
    utimesSync(`${file}.lock`, old, old);
    store.insert(plan("p1"));
    expect(store.get("p1")).toBeDefined();
  });

  it("hands out copies, so a caller cannot change a stored plan by mutating it", () => {
    const store = createFilePlanStore(file);
    store.insert(plan("p1"));
    const copy = store.get("p1");
    if (copy) copy.state = "failed";
    expect(store.get("p1")?.state).toBe("pending");
  });
});
