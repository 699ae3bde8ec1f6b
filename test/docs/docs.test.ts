// Every code block of README.md and docs/ checked the way a user would use it, in a
// new project (test/docs/project.ts):
// - TypeScript and JavaScript: type-checked as one tsc program (strict, NodeNext, ESM),
//   then run (node, or vitest for a test file) against a local emulator or the msw
//   double the block sets up itself;
// - JSON: parsed; an MCP host config is started as the host would start it and must
//   answer tools/list (its arguments so go through the CLI's own parser);
// - shell: run with bash; a block that is not run has its `planexe-client` /
//   `watch-plan` lines' arguments checked by the CLI's own parser;
// - Python: compiled; a block that serves (uvicorn) is run and its stream read;
// - HTML: its import map parsed.
// What a user would change to point a block at their own server is changed the same
// way here: https://mcp.planexe.org and port 8001 become the test's emulator, the
// placeholder key `pex_your_key` its key, `/path/to/planexe-client` this repository and
// `/path/to/my-app` the test's project. Markers (test/docs/blocks.ts) say which blocks
// continue others and which are not run, each with its reason, on the page itself.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { transform } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOUBLE_API_KEY, type Emulator, startEmulator } from "../../src/emulator/index.js";
import { placeOf, type Unit, units } from "./blocks.js";
import { createProject, listToolsAsHost, projectEnv, ROOT, type Run, run } from "./project.js";
import { cliInvocations, type Invocation } from "./shell.js";

const ALL = units(ROOT);
const CODE = ALL.filter((unit) => unit.family === "ts" || unit.family === "js");
const SHELL = ALL.filter((unit) => unit.family === "sh");
const JSON_UNITS = ALL.filter((unit) => unit.family === "json");
const PYTHON = ALL.filter((unit) => unit.family === "python");
const HTML = ALL.filter((unit) => unit.family === "html");
/** The key a user of the default emulator has: the double's, when it requires one. */
const KEY = DOUBLE_API_KEY;

let dir = "";
let emulator: Emulator | undefined;
let typecheck: Promise<Run>;

/**
 * Every check is a job, all started at once when the project and the emulator are
 * ready (most of their time is child processes waiting on each other), and each `it`
 * awaits its own: the whole file takes about as long as its slowest block.
 */
const jobs = new Map<string, () => Promise<void>>();
const started = new Map<string, Promise<{ error?: unknown }>>();
function check(name: string, work: () => Promise<void>, timeoutMs = 45_000): void {
  if (jobs.has(name)) throw new Error(`two checks named ${name}`);
  jobs.set(name, work);
  it(
    name,
    async () => {
      const outcome = await started.get(name);
      if (!outcome) throw new Error("not started: the set-up failed");
      if (outcome.error !== undefined) throw outcome.error;
    },
    timeoutMs,
  );
}

/** The block's file name in the project. */
function fileOf(unit: Unit, index: number): string {
  const base = `${unit.name.replace(/[^a-z0-9]+/gi, "_")}_${index}`;
  if (unit.family === "js") return `${base}.${unit.marker.commonjs ? "cjs" : "js"}`;
  if (unit.marker.vitest) return `${base}.test.ts`;
  return `${base}.${unit.marker.commonjs ? "cts" : "ts"}`;
}

/** What a user changes to use a block against their own server, changed for the test's. */
function localize(text: string): string {
  const url = `http://127.0.0.1:${emulator?.port}`;
  return text
    .replaceAll("https://mcp.planexe.org", url)
    .replaceAll("http://127.0.0.1:8001", url)
    .replaceAll("http://localhost:8001", url)
    .replaceAll("pex_your_key", KEY)
    .replaceAll("/path/to/planexe-client", ROOT)
    .replaceAll("/path/to/my-app", dir);
}

function failure(unit: Unit, result: Run): string {
  return `${unit.name}: exit ${result.code}\n--- stdout\n${result.stdout.slice(-3000)}\n--- stderr\n${result.stderr.slice(-3000)}`;
}

beforeAll(async () => {
  dir = createProject();
  mkdirSync(join(dir, "run"));
  CODE.forEach((unit, index) => {
    if (unit.marker.excerptOf) return;
    writeFileSync(join(dir, "blocks", fileOf(unit, index)), unit.code);
  });
  typecheck = run(
    process.execPath,
    [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
    {
      cwd: dir,
      env: projectEnv(dir, {}),
      timeoutMs: 60_000,
    },
  );
  // A local PlanExe as `npx planexe-client emulator` starts it, with short plans.
  emulator = await startEmulator({
    port: 0,
    replicas: 1,
    planSeconds: 2,
    pollIntervalMs: 250,
    graceMs: 1_000,
    healthIntervalMs: 250,
    // The blocks run side by side with one key from one address, as many users would with
    // theirs: PlanExe's 5 streams per client would hold the sixth watcher back, and its
    // 60 requests a minute per key would refuse the blocks that come last.
    maxStreamsPerClient: 100,
    rateLimit: false,
  });
  for (const [name, work] of jobs)
    started.set(
      name,
      work().then(
        () => ({}),
        (error: unknown) => ({ error }),
      ),
    );
}, 60_000);

afterAll(async () => {
  await Promise.all(started.values());
  await typecheck?.catch(() => {});
  await emulator?.stop({ graceMs: 500 });
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe("the docs' code blocks", () => {
  it("are all in a language the docs test checks, with markers it understands", () => {
    // units() throws on an unknown language or marker; this names how many there are.
    expect(ALL.length).toBeGreaterThan(30);
    for (const unit of ALL.filter((unit) => unit.marker.excerptOf))
      expect(unit.family, `${unit.name}: excerpt-of is for code`).toMatch(/^(ts|js)$/);
  });

  check(
    "TypeScript and JavaScript blocks type-check in a new project (strict, NodeNext, ESM)",
    async () => {
      const result = await typecheck;
      const errors = result.stdout
        .split("\n")
        .filter((line) => /error TS\d+/.test(line))
        .map((line) => {
          const match = /^blocks\/([^(]+)\((\d+),\d+\): (.*)$/.exec(line);
          if (!match) return line;
          const index = CODE.findIndex((unit, i) => fileOf(unit, i) === match[1]);
          const unit = CODE[index];
          return unit ? `${placeOf(unit, Number(match[2]))}: ${match[3]}` : line;
        });
      expect(errors).toEqual([]);
    },
    60_000,
  );

  for (const unit of CODE.filter((unit) => unit.marker.excerptOf))
    it(`${unit.name} is a verbatim excerpt of ${unit.marker.excerptOf}`, () => {
      const trim = (text: string) => text.replace(/[ \t]+$/gm, "");
      const source = trim(readFileSync(join(ROOT, unit.marker.excerptOf ?? ""), "utf8"));
      expect(source).toContain(trim(unit.code));
    });

  for (const [index, unit] of CODE.entries()) {
    if (unit.marker.excerptOf || unit.marker.skipRun !== undefined) continue;
    check(`${unit.name} runs`, async () => {
      const env = projectEnv(dir, { PLANEXE_API_KEY: KEY });
      let result: Run;
      if (unit.marker.vitest) {
        const file = join(dir, "blocks", fileOf(unit, index));
        writeFileSync(file, localize(unit.code));
        result = await run(
          process.execPath,
          [join(dir, "node_modules", "vitest", "vitest.mjs"), "run", "--root", dir, file],
          { cwd: dir, env, timeoutMs: 40_000 },
        );
      } else {
        // Types stripped as tsc would emit them (esbuild, so a run need not wait for tsc).
        const source = fileOf(unit, index);
        const file = join(dir, "run", source.replace(/\.ts$/, ".mjs").replace(/\.cts$/, ".cjs"));
        const code =
          unit.family === "ts"
            ? (
                await transform(unit.code, {
                  loader: "ts",
                  format: unit.marker.commonjs ? "cjs" : "esm",
                })
              ).code
            : unit.code;
        writeFileSync(file, localize(code));
        result = await run(process.execPath, [file], { cwd: dir, env, timeoutMs: 40_000 });
      }
      expect(result.code, failure(unit, result)).toBe(0);
    });
  }
});

/** `<bin> <args> --help`: the CLI parses the arguments (strictly) before it reads --help. */
const parsed = new Map<string, Promise<Run>>();
function parseCheck(call: Invocation): Promise<Run> {
  const key = `${call.bin}\0${call.args.join("\0")}`;
  let result = parsed.get(key);
  if (!result) {
    const bin = join(ROOT, "dist", "cli", call.bin === "watch-plan" ? "watch-plan.js" : "main.js");
    result = run(process.execPath, [bin, ...call.args, "--help"], {
      cwd: dir,
      env: projectEnv(dir, {}),
    });
    parsed.set(key, result);
  }
  return result;
}

describe("shell blocks", () => {
  for (const unit of SHELL) {
    // A block that runs has its command lines parsed by running them.
    const invocations = unit.marker.skipRun === undefined ? [] : cliInvocations(unit.code);
    if (invocations.length > 0)
      check(`${unit.name}: each planexe-client / watch-plan line parses`, async () => {
        const results = await Promise.all(
          invocations.map((call) => parseCheck(call).then((result) => ({ call, result }))),
        );
        for (const { call, result } of results)
          expect(result.code, `${call.bin} ${call.args.join(" ")}: ${result.stderr}`).toBe(0);
      });
    if (unit.marker.skipRun !== undefined) continue;
    check(`${unit.name} runs`, async () => {
      const result = await run("bash", ["-e", "-o", "pipefail", "-c", localize(unit.code)], {
        cwd: dir,
        env: projectEnv(dir, { PLANEXE_API_KEY: KEY }),
        timeoutMs: 40_000,
      });
      expect(result.code, failure(unit, result)).toBe(0);
    });
  }
});

describe("JSON blocks", () => {
  for (const unit of JSON_UNITS) {
    check(
      `${unit.name} parses${unit.marker.skipRun === undefined ? " and its MCP servers answer" : ""}`,
      async () => {
        const config = JSON.parse(unit.code) as {
          mcpServers?: Record<string, ServerConfig>;
          servers?: Record<string, ServerConfig>;
        };
        if (unit.marker.skipRun !== undefined) return;
        const servers = Object.values({ ...config.mcpServers, ...config.servers });
        await Promise.all(servers.map((server) => checkServer(unit, server)));
      },
    );
  }
});

interface ServerConfig {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  url?: string;
  headers?: Record<string, string>;
}

const hosts = new Map<string, ReturnType<typeof listToolsAsHost>>();

/** Starts a stdio server as its host would, or asks an HTTP one, for its tools. */
async function checkServer(unit: Unit, server: ServerConfig): Promise<void> {
  const fill = (value: string) => localize(value).replace(/\$\{[^}]+\}/g, KEY);
  if (server.command) {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(server.env ?? {})) env[name] = fill(value);
    const command = fill(server.command);
    const args = (server.args ?? []).map(fill);
    // Hosts differ in their files, not in how they start a server: one start per command line.
    const key = JSON.stringify([command, args, env]);
    let host = hosts.get(key);
    if (!host) {
      host = listToolsAsHost(command, args, { cwd: dir, env: projectEnv(dir, env) });
      hosts.set(key, host);
    }
    const { tools, stderr } = await host;
    expect(tools, `${unit.name}: ${stderr}`).toContain("plan_create");
    expect(tools).toContain("plan_wait");
    return;
  }
  expect(server.url, `${unit.name}: a server with neither command nor url`).toBeDefined();
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  for (const [name, value] of Object.entries(server.headers ?? {})) headers[name] = fill(value);
  const response = await fetch(fill(server.url ?? ""), {
    method: "POST",
    headers,
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(text).toContain("plan_create");
}

describe("Python blocks", () => {
  const python = findPython();

  check("Python blocks compile (python3 -m py_compile)", async () => {
    const files = PYTHON.map((unit, index) => {
      const file = join(dir, `block_${index}.py`);
      writeFileSync(file, unit.code);
      return file;
    });
    const result = await run(python ?? "python3", ["-m", "py_compile", ...files], {
      cwd: dir,
      env: projectEnv(dir, {}),
    });
    expect(result.code, result.stderr).toBe(0);
  });

  // A new user's `npm test` works without Python's FastAPI (it is no npm package); CI installs it (.ci/run) and requires it.
  const noServer = python === undefined && !process.env.CI;
  for (const unit of PYTHON.filter((unit) => unit.marker.skipRun === undefined))
    if (noServer)
      it.skipIf(true)(
        `${unit.name} serves the progress stream (needs python3 with fastapi and uvicorn: apt-get install python3-fastapi python3-uvicorn)`,
        () => {},
      );
    else
      check(`${unit.name} serves the progress stream and drains on SIGTERM`, async () => {
        expect(
          python,
          "python3 with fastapi and uvicorn (Debian: apt-get install python3-fastapi python3-uvicorn)",
        ).toBeDefined();
        await servePython(unit, python ?? "python3");
      });
});

/** A python3 that has FastAPI and uvicorn: the one on PATH, else Debian's. */
function findPython(): string | undefined {
  for (const candidate of [process.env.PYTHON, "python3", "/usr/bin/python3"]) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ["-c", "import fastapi, uvicorn"], { stdio: "ignore" });
      return candidate;
    } catch {}
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 0;
}

async function servePython(unit: Unit, python: string): Promise<void> {
  const port = await freePort();
  const file = join(dir, `serve_${port}.py`);
  writeFileSync(
    file,
    unit.code.replaceAll('host="0.0.0.0", port=8001', `host="127.0.0.1", port=${port}`),
  );
  const child = spawn(python, [file], { cwd: dir, env: projectEnv(dir, {}), stdio: "pipe" });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  try {
    const base = `http://127.0.0.1:${port}`;
    let response: Response | undefined;
    for (let attempt = 0; attempt < 100 && !response; attempt++) {
      response = await fetch(`${base}/sse/plan/plan-1`).catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return undefined;
      });
    }
    expect(response?.status, stderr).toBe(200);
    const reader = (response?.body ?? new ReadableStream())
      .pipeThrough(new TextDecoderStream())
      .getReader();
    let text = "";
    while (!text.includes("event: status")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(text).toMatch(
      /^retry: 5000\n\nevent: status\nid: 1\.0\.processing\.\d+\ndata: \{"plan_id": "plan-1", "state": "processing"/,
    );
    const unknown = await (await fetch(`${base}/sse/plan/unknown`)).text();
    expect(unknown).toContain('event: error\ndata: {"code": "PLAN_NOT_FOUND"');
    child.kill("SIGTERM");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    expect(text.endsWith("retry: 250\n\n"), text).toBe(true);
    expect(await exited, stderr).toBe(0);
  } finally {
    child.kill("SIGKILL");
  }
}

describe("HTML blocks", () => {
  for (const unit of HTML)
    it(`${unit.name}: its import map parses`, () => {
      const maps = [...unit.code.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)];
      for (const [, json] of maps) expect(JSON.parse(json ?? "")).toHaveProperty("imports");
    });
});
