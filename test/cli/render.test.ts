import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/cli/args/duration.js";
import { parsePlanRef } from "../../src/cli/args/plan-ref.js";
import { explain } from "../../src/cli/explain.js";
import { type Output, redactingOutput } from "../../src/cli/output.js";
import { barLine, createBarRenderer } from "../../src/cli/render/bar.js";
import { createJsonRenderer } from "../../src/cli/render/json.js";
import { createLineRenderer } from "../../src/cli/render/lines.js";
import { emptyView, type ProgressUpdate } from "../../src/cli/render/model.js";
import { secretsOf } from "../../src/cli/run.js";
import { AuthError, PlanNotFoundError, TransportError } from "../../src/index.js";

const ID = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";

function capture(isTTY = false, columns = 120): Output & { stdout: string; stderr: string } {
  const sink = {
    stdout: "",
    stderr: "",
    isTTY,
    columns,
    out(text: string) {
      sink.stdout += text;
    },
    err(text: string) {
      sink.stderr += text;
    },
  };
  return sink;
}

const status = (
  state: "pending" | "processing",
  percent: number,
  elapsed = 10,
): ProgressUpdate => ({
  kind: "event",
  event: {
    type: "status",
    plan_id: ID,
    state,
    progress_percentage: percent,
    elapsed_sec: elapsed,
  },
});
const reconnecting = (delayMs: number, sharedWait = false): ProgressUpdate => ({
  kind: "event",
  event: {
    type: "reconnecting",
    attempt: 1,
    delayMs,
    sharedWait,
    cause: { code: "HTTP_ERROR", message: "502", status: 502 },
  },
});
const complete: ProgressUpdate = {
  kind: "event",
  event: {
    type: "complete",
    plan_id: ID,
    state: "completed",
    progress_percentage: 100,
    elapsed_sec: 61,
  },
};
const planStatus: ProgressUpdate = {
  kind: "status",
  status: {
    plan_id: ID,
    state: "processing",
    progress_percentage: 35,
    steps_completed: 7,
    steps_total: 20,
    current_step: "identify_risks",
    timing: { elapsed_sec: 12 },
    files_count: 7,
    files: [],
  },
};

describe("the TTY progress bar", () => {
  it("shows state, percent, current step and elapsed time on one line", () => {
    const view = { ...emptyView(), state: "processing" as const, percent: 52.5 };
    const line = barLine(
      {
        ...view,
        step: "make_assumptions",
        stepsCompleted: 11,
        stepsTotal: 20,
        elapsedSec: 62,
        elapsedAt: 0,
        stepPercent: 52.5,
      },
      0,
      120,
    );
    expect(line).toMatch(/^processing +\[█{13}░{11}\] +52\.5% +1m 02s +11\/20 make_assumptions$/);
  });

  it("redraws in place, ticks the elapsed time while processing, and shows the deploy notice", () => {
    let now = 1_000_000;
    const out = capture(true);
    const bar = createBarRenderer(out, () => now);
    bar.update(status("processing", 40, 10));
    now += 5_000;
    bar.tick();
    bar.update(reconnecting(3_200));
    const frames = out.stdout.split("\r\x1b[2K").filter(Boolean);
    expect(frames).toHaveLength(3);
    expect(frames[0]).toContain("10s");
    expect(frames[1]).toContain("15s");
    expect(frames[2]).toContain("server deploying — reconnecting in 4s");
    expect(out.stdout).not.toContain("\n");
    bar.update({ kind: "event", event: { type: "connected", attempt: 1 } });
    expect(out.stdout.split("\r\x1b[2K").at(-1)).not.toContain("reconnecting");
    bar.update(complete);
    bar.finish({ state: "completed", exitCode: 0, reportCommand: "planexe-client download p" });
    expect(out.stdout).toMatch(
      /completed +\[█{24}\] +100\.0%.*\nPlan completed\.\nReport: run `planexe-client download p` to save it\n$/,
    );
  });

  it("hides a step name that progress has moved past", () => {
    const view = {
      ...emptyView(),
      state: "processing" as const,
      percent: 65,
      step: "start_time",
      stepPercent: 0,
    };
    expect(barLine(view, 0, 120)).not.toContain("start_time");
  });

  it("keeps the deploy notice visible on an 80-column terminal", () => {
    const view = {
      ...emptyView(),
      state: "processing" as const,
      percent: 30,
      elapsedSec: 15,
      step: "potential_levers",
      stepsCompleted: 6,
      stepsTotal: 20,
      stepPercent: 30,
      notice: "server deploying — reconnecting in 4s",
    };
    expect(barLine(view, 0, 80)).toMatch(/\| server deploying — reconnecting in 4s$/);
  });

  it("never draws wider than the terminal", () => {
    const view = {
      ...emptyView(),
      state: "processing" as const,
      percent: 5,
      step: "x".repeat(200),
      stepPercent: 5,
    };
    const line = barLine(view, 0, 60);
    expect(line).toContain("xxxx");
    expect(line.length).toBeLessThanOrEqual(59);
  });
});

describe("the line renderer (not a TTY)", () => {
  it("prints one line per visible change and a line per reconnect", () => {
    const out = capture(false);
    const lines = createLineRenderer(out, () => 0);
    lines.update(status("pending", 0, 0));
    lines.update(status("processing", 5.1, 1));
    lines.update(status("processing", 5.4, 2)); // same whole percent: no line
    lines.update(planStatus);
    lines.update({
      kind: "event",
      event: { type: "heartbeat", timestamp: "2026-01-01T00:00:00Z" },
    });
    lines.update(reconnecting(250));
    lines.update({ kind: "event", event: { type: "connected", attempt: 1 } });
    lines.update(reconnecting(700, true));
    lines.update({ kind: "event", event: { type: "connected", attempt: 2 } });
    lines.update(complete);
    lines.finish({ state: "completed", exitCode: 0, reportCommand: "planexe-client download p" });
    expect(out.stdout.split("\n")).toEqual([
      "pending  0%  0s",
      "processing  5%  1s",
      "processing  35%  7/20 identify_risks  12s",
      "server deploying — reconnecting in 0.3s",
      "reconnected",
      // Waiting on the shared probe: no fixed delay to promise.
      "server deploying — reconnecting as soon as it answers",
      "reconnected",
      "completed  100%  1m 01s",
      "Plan completed.",
      "Report: run `planexe-client download p` to save it",
      "",
    ]);
  });

  it("reports a failed plan with the server's message, and other failures on stderr", () => {
    const out = capture(false);
    createLineRenderer(out, () => 0).finish({
      state: "failed",
      exitCode: 1,
      error: "Worker restarted.",
    });
    expect(out.stdout).toBe("Plan failed: Worker restarted.\n");
    const err = capture(false);
    createLineRenderer(err, () => 0).finish({
      state: undefined,
      exitCode: 3,
      error: "watch-plan: no plan",
    });
    expect(err.stdout).toBe("");
    expect(err.stderr).toBe("watch-plan: no plan\n");
  });
});

describe("the JSON renderer", () => {
  it("writes each event as one JSON line and a final result", () => {
    const out = capture(true);
    const json = createJsonRenderer(out);
    json.update(status("processing", 10));
    json.update(reconnecting(1000));
    json.update(complete);
    json.finish({ state: "completed", exitCode: 0, reportCommand: "planexe-client download p" });
    const events = out.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.type)).toEqual(["status", "reconnecting", "complete", "result"]);
    expect(events[3]).toEqual({
      type: "result",
      state: "completed",
      exit_code: 0,
      report_command: "planexe-client download p",
    });
  });
});

describe("arguments and errors", () => {
  it("reads a plan id or a stream URL, and nothing else", () => {
    expect(parsePlanRef(ID, "http://h:1/")).toEqual({
      planId: ID,
      sseUrl: `http://h:1/sse/plan/${ID}`,
      baseUrl: "http://h:1",
    });
    expect(parsePlanRef(`https://h/base/sse/plan/${ID}`, "http://other")).toEqual({
      planId: ID,
      sseUrl: `https://h/base/sse/plan/${ID}`,
      baseUrl: "https://h/base",
    });
    expect(parsePlanRef("1234", "http://h")).toBeUndefined();
    expect(parsePlanRef("ftp://h/sse/plan/x", "http://h")).toBeUndefined();
  });

  it("reads durations as typed", () => {
    expect([
      parseDuration("30s"),
      parseDuration("2m"),
      parseDuration("1500ms"),
      parseDuration("5"),
    ]).toEqual([30_000, 120_000, 1_500, 5_000]);
    expect(parseDuration("soon")).toBeUndefined();
  });

  it("words a bad key, a missing key and an unknown plan in one line, exit 3, with no key or id", () => {
    const key = "pex_supersecret";
    const bad = explain(new AuthError(`rejected ${key}`), {
      command: "watch-plan",
      baseUrl: "http://h",
      apiKey: key,
    });
    expect(bad.message).toBe(
      "watch-plan: the server http://h rejected the API key (check --api-key / PLANEXE_API_KEY)",
    );
    expect(bad.exitCode).toBe(3);
    const missing = explain(new AuthError("no key"), {
      command: "watch-plan",
      baseUrl: "http://h",
    });
    expect(missing.message).toContain("needs an API key");
    const unknown = explain(new PlanNotFoundError(`Plan not found: ${ID}`), { command: "status" });
    expect(unknown.message).toBe("status: no plan with this id on the server");
    expect(`${bad.message}${unknown.message}`).not.toContain(key);
  });

  it("words a 429 as the server's rate limit, not as a server it could not reach", () => {
    const limited = explain(new TransportError("RATE_LIMITED", "HTTP 429 (rate limited)"), {
      command: "list",
      baseUrl: "http://h",
    });
    expect(limited.message).toMatch(/^list: rate limited by http:\/\/h \(PlanExe allows 60/);
    expect(limited.message).not.toContain("could not reach");
    expect(limited.exitCode).toBe(3);
  });

  it("never writes the API key, from the flag or the environment", () => {
    const secrets = secretsOf(
      ["node", "main.js", "--api-key", "pex_flagkey", "--api-key=pex_other"],
      {
        PLANEXE_API_KEY: "pex_envkey",
      },
    );
    expect(secrets.sort()).toEqual(["pex_envkey", "pex_flagkey", "pex_other"]);
    const out = capture();
    const safe = redactingOutput(out, secrets);
    safe.out("key pex_flagkey and pex_envkey\n");
    safe.err("pex_other!\n");
    expect(out.stdout + out.stderr).toBe("key *** and ***\n***!\n");
  });
});
