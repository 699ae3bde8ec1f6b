// Every file in examples/ runs here as a user would run it (`npx tsx examples/<file>`),
// against one real emulator (edge + 2 replica processes + worker) that is deployed
// while they run. `npm test` type-checks them too (tsconfig includes examples/).
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../src/emulator/index.js";

const EXAMPLES = fileURLToPath(new URL("../../examples/", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const API_KEY = "pex_examples_test_key";

/** How each example runs: against the emulator (PLANEXE_URL) or on its own, and what it must print. */
const CASES: Record<string, { emulator: boolean; expect: RegExp[] }> = {
  "create-and-poll.ts": {
    emulator: true,
    expect: [/^created plan /m, /^completed\s+100%/m, /^report: \d+ bytes, sha256 \w+… verified$/m],
  },
  "watch-plan.ts": {
    emulator: true,
    expect: [/^connected$/m, /^done: completed$/m, /^watch ended: complete$/m],
  },
  "mcp-sdk-resilient-fetch.ts": {
    emulator: true,
    expect: [/^stream complete: completed$/m, /^plan_status: completed, \d+ files$/m],
  },
  "server-progress-stream.ts": {
    emulator: false,
    expect: [
      /^connect to replica B, Last-Event-ID 1\.0\.processing\.\d+$/m,
      /^complete completed {2}id 1\.0\.completed\.1000$/m,
      /^\d+ statuses, 0 duplicates, 1 complete$/m,
    ],
  },
  "testing-deploy-windows.ts": {
    emulator: false,
    expect: [
      /^restart: a call rode out 120 s of 502s/m,
      /^lost plan_create: resent once, one plan$/m,
      /^rolling: \d+ statuses and one complete across replicas/m,
    ],
  },
};
/** Examples with their own test, which starts its own emulator. */
const TESTED_ELSEWHERE: Record<string, string> = {
  "against-the-emulator.ts": "test/cli/example-emulator.test.ts",
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runExample(file: string, env: Record<string, string>): Promise<Run> {
  const base = { ...process.env };
  delete base.PLANEXE_URL;
  delete base.PLANEXE_API_KEY;
  const child = spawn(process.execPath, ["--import", TSX, `${EXAMPLES}${file}`], {
    env: { ...base, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  // A hung example fails its test instead of the suite.
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) => {
    child.once("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code: code ?? (signal === "SIGKILL" ? 137 : 128), stdout, stderr });
    });
  });
}

describe("examples/", () => {
  let emulator: Emulator;
  const runs = new Map<string, Promise<Run>>();

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      planSeconds: 3,
      apiKeys: [API_KEY],
      pollIntervalMs: 500,
      graceMs: 1_000,
      healthIntervalMs: 250,
    });
    const env = { PLANEXE_URL: emulator.url, PLANEXE_API_KEY: API_KEY };
    // All at once: they share the emulator as separate users would.
    for (const [file, { emulator: needsEmulator }] of Object.entries(CASES))
      runs.set(file, runExample(file, needsEmulator ? env : {}));
  }, 30_000);

  afterAll(async () => {
    await Promise.allSettled(runs.values());
    await emulator?.stop({ graceMs: 500 });
  }, 30_000);

  it("every example has a run here or a test of its own", () => {
    const files = readdirSync(EXAMPLES).filter((name) => name.endsWith(".ts"));
    const covered = new Set([...Object.keys(CASES), ...Object.keys(TESTED_ELSEWHERE)]);
    expect(files.filter((file) => !covered.has(file))).toEqual([]);
    expect(Object.keys(CASES).filter((file) => !files.includes(file))).toEqual([]);
  });

  it("a rolling deploy of the emulator while the examples run costs them nothing", async () => {
    // The examples are mid-plan: their streams drain to the new replicas, calls go on.
    const report = await emulator.deploy({ mode: "rolling", windowMs: 500 });
    expect(report.stopped).toHaveLength(2);
    expect(report.started).toHaveLength(2);
  }, 30_000);

  for (const [file, { expect: patterns }] of Object.entries(CASES)) {
    it(`${file} exits 0 and prints what it promises`, async () => {
      const run = await runs.get(file)!;
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      for (const pattern of patterns) expect(run.stdout).toMatch(pattern);
    }, 60_000);
  }
});
