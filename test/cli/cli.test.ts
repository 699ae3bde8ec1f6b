import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";
import {
  callTool,
  MAIN,
  requireBuild,
  runCli,
  startCli,
  WATCH_PLAN,
  waitForState,
} from "./helpers.js";

const KEY = "pex_cli_test_key_7f3a";
const UNKNOWN = "00000000-0000-4000-8000-000000000000";
let emulator: Emulator;
let env: Record<string, string>;
const tmp = mkdtempSync(join(tmpdir(), "planexe-cli-test-"));

beforeAll(async () => {
  requireBuild();
  emulator = await startEmulator({
    port: 0,
    replicas: 1,
    planSeconds: 6,
    // The concurrent runs below send more than PlanExe's 60 requests / 60 s from one
    // address, and a 429 made `create --watch` wait out the window (rate limits have
    // their own tests); the stream reads the plan every 500 ms instead of 3 s.
    rateLimit: false,
    pollIntervalMs: 500,
    apiKeys: [KEY],
    graceMs: 300,
    healthIntervalMs: 200,
  });
  env = { PLANEXE_URL: emulator.url, PLANEXE_API_KEY: KEY };
}, 60_000);

afterAll(async () => {
  await emulator?.stop({ graceMs: 0 });
  rmSync(tmp, { recursive: true, force: true });
});

/** Setup, not under test: creates a plan from the test process. */
async function createPlanDirect(prompt: string): Promise<string> {
  const created = await callTool(emulator.url, KEY, "plan_create", { prompt });
  return String(created.plan_id);
}

function oneLine(text: string): string {
  const lines = text.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  return lines[0] ?? "";
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("watch-plan and planexe-client, run as subprocesses against the emulator", {
  timeout: 60_000,
}, () => {
  it.concurrent("answers bad usage with one line on stderr and exit 3", async () => {
    const runs = await Promise.all([
      runCli(WATCH_PLAN, ["not-a-plan"], env),
      runCli(WATCH_PLAN, [], env),
      runCli(MAIN, ["watch", "--bogus", "--timeout", "soon", UNKNOWN], env),
      runCli(MAIN, ["frobnicate"], env),
    ]);
    for (const run of runs) expect(run.code).toBe(3);
    expect(oneLine(runs[0]?.stderr ?? "")).toMatch(
      /^watch-plan: that is neither a plan id .* nor an http\(s\) progress stream URL/,
    );
    expect(oneLine(runs[1]?.stderr ?? "")).toMatch(/expected one plan id/);
    expect(oneLine(runs[2]?.stderr ?? "")).toMatch(/Unknown option '--bogus'/);
    expect(oneLine(runs[3]?.stderr ?? "")).toMatch(/unknown command "frobnicate"/);
  });

  it.concurrent("says an unknown plan and a rejected key in one line, exit 3, never printing the key", async () => {
    const unknown = await runCli(WATCH_PLAN, [UNKNOWN], env);
    expect(unknown.code).toBe(3);
    expect(oneLine(unknown.stderr)).toBe(`watch-plan: no plan with this id on ${emulator.url}`);
    const unknownNoKey = await runCli(WATCH_PLAN, [UNKNOWN], { PLANEXE_URL: emulator.url });
    expect(unknownNoKey.code).toBe(3);
    expect(oneLine(unknownNoKey.stderr)).toMatch(/no plan with this id/);
    const wrong = "pex_wrong_key_9d1c";
    const badKey = await runCli(WATCH_PLAN, ["--api-key", wrong, "--json", UNKNOWN], env);
    expect(badKey.code).toBe(3);
    expect(oneLine(badKey.stderr)).toBe(
      `watch-plan: the server ${emulator.url} rejected the API key (check --api-key / PLANEXE_API_KEY)`,
    );
    for (const run of [unknown, badKey])
      expect(run.stdout + run.stderr).not.toMatch(/pex_(cli|wrong)/);
  });

  it.concurrent("creates a plan and watches it to completion as JSON, saving report and zip checked by sha256", async () => {
    const dir = join(tmp, "downloads");
    const run = await runCli(
      MAIN,
      ["create", "--watch", "--json", "--download", dir, "Open a bakery in Lisbon"],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const events = run.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events[0]).toMatchObject({ type: "created" });
    const planId: string = events[0].plan_id;
    expect(planId).toMatch(/^[0-9a-f-]{36}$/);
    expect(events.filter((e) => e.type === "complete")).toHaveLength(1);
    const result = events.at(-1);
    expect(result).toMatchObject({ type: "result", state: "completed", exit_code: 0 });
    // Saved, so no command to save it with.
    expect(result.report_command).toBeUndefined();
    expect(result.saved).toHaveLength(2);
    for (const file of result.saved) {
      const bytes = readFileSync(file.path);
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(file.sha256);
      expect(bytes.byteLength).toBe(file.bytes);
    }
    expect(run.stdout + run.stderr).not.toContain(KEY);
    const status = await runCli(MAIN, ["status", planId], env);
    expect(status.stdout).toMatch(/^state +completed\nprogress +100\.0%/);
  });

  it.concurrent("exits 2 for a stopped plan (prompt from stdin); `stop` says it had ended", async () => {
    const created = await runCli(MAIN, ["create"], env, "Stop me: a prompt read from stdin\n");
    expect(created.code, created.stderr).toBe(0);
    const planId = created.stdout.trim();
    await callTool(emulator.url, KEY, "plan_stop", { plan_id: planId });
    const run = await runCli(WATCH_PLAN, [planId], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("Plan stopped.");
    const stop = await runCli(MAIN, ["stop", planId], env);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toBe("already ended (state: stopped)\n");
  });

  it.concurrent("exits 130 on Ctrl-C, even while the server is unreachable", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/sse/plan/${UNKNOWN}`;
    const run = startCli(WATCH_PLAN, [url], {});
    await run.waitForStdout(/server deploying — reconnecting/);
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(130);
  });

  it.concurrent("exits 3 when the server stays unreachable past --timeout", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runCli(WATCH_PLAN, ["--url", url, "--timeout", "1s", UNKNOWN], {
      PLANEXE_API_KEY: KEY,
    });
    expect(run.code).toBe(3);
    expect(oneLine(run.stderr)).toMatch(new RegExp(`^watch-plan: could not reach ${url}`));
  });

  it.concurrent("doctor runs the after-deploy checklist and fails on a dead server", async () => {
    const [good, noKey, dead] = await Promise.all([
      runCli(MAIN, ["doctor"], env),
      runCli(MAIN, ["doctor", "--url", emulator.url]),
      runCli(MAIN, [
        "doctor",
        "--url",
        `http://127.0.0.1:${await closedPort()}`,
        "--timeout",
        "2s",
      ]),
    ]);
    expect(good.code, good.stdout).toBe(0);
    expect(good.stdout.match(/^\[ok\]/gm)).toHaveLength(4);
    expect(good.stdout).toMatch(/progress stream +text\/event-stream .*retry: 5000/);
    expect(noKey.code).toBe(0);
    expect(noKey.stdout).toMatch(
      /^\[skip\] plans processing +skipped: plan_list needs an API key/m,
    );
    expect(noKey.stdout).toMatch(/event: error PLAN_NOT_FOUND/);
    expect(dead.code).toBe(1);
    expect(dead.stdout.match(/^\[FAIL\]/gm)?.length).toBeGreaterThanOrEqual(3);
  });

  it("watch-plan survives `emulator deploy --mode restart` and exits 0 with one completion", async () => {
    const planId = await createPlanDirect("Survive a restart deploy");
    const watch = startCli(WATCH_PLAN, [planId], env);
    await watch.waitForStdout(/processing /);
    const deploy = await runCli(MAIN, [
      "emulator",
      "deploy",
      "--port",
      String(emulator.port),
      "--mode",
      "restart",
      "--window",
      "500ms",
      "--grace",
      "300ms",
    ]);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stdout).toMatch(/^restart deploy done in .*: 1 replica\(s\) stopped/);
    expect(await watch.exit).toBe(0);
    expect(watch.stdout()).toMatch(/server deploying — reconnecting (in \d|as soon as it answers)/);
    expect(watch.stdout().match(/Plan completed\./g)).toHaveLength(1);
    // Not the signed link (a credential, and dead in 15 minutes): the command that saves
    // the report, which works when it is run.
    const command = `planexe-client download ${planId} --artifact report --url ${emulator.url}`;
    expect(watch.stdout()).toContain(`Report: run \`${command}\` to save it\n`);
    const dir = join(tmp, "report-command");
    const saved = await runCli(MAIN, [...command.split(" ").slice(1), "--dir", dir], env);
    expect(saved.code, saved.stderr).toBe(0);
    expect(readFileSync(join(dir, `${planId}-report.html`), "utf8")).toContain("<html");
  });

  // Last: it stops the emulator's worker.
  it("exits 1 when the plan failed, with the server's reason", async () => {
    const planId = await createPlanDirect("Fail me when the worker restarts");
    await waitForState(emulator.url, KEY, planId, (state) => state === "processing");
    process.kill(emulator.workerPid, "SIGTERM");
    await waitForState(emulator.url, KEY, planId, (state) => state === "failed");
    const run = await runCli(WATCH_PLAN, [planId], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Plan failed: Worker restarted during execution/m);
  });
});
