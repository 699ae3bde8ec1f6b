import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { PlanSnapshot } from "../../src/protocol/index.js";
import { collect, PLAN_ID, setup, snapshot, streamRequest } from "./helpers.js";

/**
 * The bytes of a scripted plan, compared with recorded fixtures. The `.today.sse` fixture
 * is what PlanExe's `mcp_cloud/sse.py` writes (Python `json.dumps` at its defaults, float
 * numbers, no `id:`); the other is the same stream with the resumable protocol's ids.
 * Set UPDATE_FIXTURES=1 to re-record after an intended change, then review the diff.
 */

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function matchFixture(name: string, text: string) {
  if (process.env.UPDATE_FIXTURES) writeFileSync(fixture(name), text);
  expect(text).toBe(readFileSync(fixture(name), "utf8"));
}

type Step = [atMs: number, patch: Partial<PlanSnapshot>];

async function runScript(first: PlanSnapshot, steps: Step[], emulateToday: boolean) {
  const { clock, store, handler } = setup([first], { emulateToday });
  const response = await handler(streamRequest());
  const body = collect(response);
  let now = 0;
  for (const [at, patch] of steps) {
    await clock.advance(at - now);
    now = at;
    store.update(PLAN_ID, patch);
  }
  await clock.runUntil(body.finished, { maxMs: 60_000 });
  return { response, text: body.text, clock, handler };
}

// A baseline plan: queued, then three progress changes with quiet polls between (one
// long enough for a heartbeat: today's server writes it at the first poll tick 20 s
// after its last event, here 24 s; the proposal's timer at 23 s), an elapsed-only
// change (not a status), then completed.
const completedPlan: [PlanSnapshot, Step[]] = [
  snapshot({ state: "pending", progress_percentage: 0, elapsed_sec: 0 }),
  [
    [2_000, { state: "processing", progress_percentage: 12.5, elapsed_sec: 3.04 }],
    [26_500, { progress_percentage: 50, elapsed_sec: 27.06 }],
    [29_000, { elapsed_sec: 30 }],
    [31_000, { state: "completed", progress_percentage: 99.5, elapsed_sec: 33 }],
  ],
];

// A retried plan (run 1) whose worker died: failed with a message outside ASCII.
const failedPlan: [PlanSnapshot, Step[]] = [
  snapshot({ progress_percentage: 87.25, elapsed_sec: 1234.56, run: 1 }),
  [
    [
      1_000,
      {
        state: "failed",
        elapsed_sec: 1237.55,
        error: {
          code: "generation_failed",
          message: "Step “draft_wbs” failed – worker restarted. Use plan_retry to re-run.",
        },
      },
    ],
  ],
];

describe("progress stream bytes for a scripted plan", () => {
  it("matches today's PlanExe byte for byte when emulating it (no ids)", async () => {
    const { response, text } = await runScript(...completedPlan, true);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    matchFixture("plan-progress-completed.today.sse", text);
    expect(text).not.toContain("id:");
  });

  it("adds a snapshot-derived id to each status and complete, and nothing else", async () => {
    const { text, clock, handler } = await runScript(...completedPlan, false);
    matchFixture("plan-progress-completed.sse", text);
    const today = readFileSync(fixture("plan-progress-completed.today.sse"), "utf8");
    // The same events; only the heartbeat's moment differs (its own timer here, a poll tick today).
    const heartbeatTime = /("timestamp": )"[^"]*"/g;
    expect(text.replace(/^id: .*\n/gm, "").replace(heartbeatTime, "$1T")).toBe(
      today.replace(heartbeatTime, "$1T"),
    );
    expect(text).toContain("event: complete\nid: 1.0.completed.1000\n");
    expect(handler.openStreams).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("writes a failed plan's complete with its error, escaped as json.dumps does", async () => {
    const { text } = await runScript(...failedPlan, true);
    matchFixture("plan-progress-failed.today.sse", text);
    expect(text).toContain("\\u201cdraft_wbs\\u201d failed \\u2013 worker");
    const { text: withIds } = await runScript(...failedPlan, false);
    expect(withIds).toContain("event: complete\nid: 1.1.failed.873\n");
  });
});
