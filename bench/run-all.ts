/**
 * `npm run bench`: every benchmark, one after another, each in its own Node
 * process (a fresh heap, its own RSS, `--expose-gc`), printing its table and
 * writing `bench/results/<name>.json`. Flags after `--` go to every script that
 * knows them, e.g. `npm run bench -- --scale 0.5 --watchers 100 --large 0`.
 *
 * `npm run bench -- --smoke`: each benchmark on tiny inputs, its results in a
 * temporary folder (the recorded ones are left alone), exit 1 if any failed. It
 * measures nothing: it proves every benchmark still runs against today's emulator
 * (`.ci/run` runs it). The cold start is left out: it installs from the npm registry.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeResult } from "./lib/report.js";

interface Bench {
  name: string;
  file: string;
  /** The flags `npm run bench -- --flag value` forwards to it. */
  flags: string[];
  /** Its tiny inputs for `--smoke`; none: not run by `--smoke`. */
  smoke?: string[];
}

const BENCHES: Bench[] = [
  {
    name: "call-overhead",
    file: "call-overhead.ts",
    flags: ["calls", "warmup"],
    smoke: ["--calls", "20", "--warmup", "5"],
  },
  {
    name: "stream-cost",
    file: "stream-cost.ts",
    flags: ["events", "rounds"],
    smoke: ["--events", "2000", "--rounds", "1"],
  },
  { name: "memory", file: "memory.ts", flags: ["cycles"], smoke: ["--cycles", "200"] },
  {
    name: "deploy-survival",
    file: "deploy-survival.ts",
    flags: ["watchers", "scale", "clients", "large", "large-client"],
    smoke: ["--watchers", "2", "--scale", "0.05", "--clients", "watchPlan", "--large", "0"],
  },
  {
    name: "mcp-bridge",
    file: "mcp-bridge.ts",
    flags: ["window", "cold-window"],
    smoke: ["--window", "2", "--cold-window", "1"],
  },
  { name: "bundle-size", file: "bundle-size.ts", flags: ["entry"], smoke: [] },
  { name: "cold-start", file: "cold-start.ts", flags: ["trials", "direct", "mcp-remote", "lock"] },
];

/** `--name value` pairs from the command line that `bench` accepts. */
function forwarded(argv: string[], accepted: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]?.replace(/^--/, "") ?? "";
    const value = argv[i + 1];
    if (argv[i]?.startsWith("--") && accepted.includes(name) && value !== undefined) {
      out.push(`--${name}`, value);
      i += 1;
    }
  }
  return out;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, "--expose-gc", path, ...args], {
      stdio: "inherit",
      env,
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const smoke = argv.includes("--smoke");
  const scratch = smoke ? mkdtempSync(join(tmpdir(), "planexe-bench-smoke-")) : undefined;
  const env = scratch ? { ...process.env, PLANEXE_BENCH_RESULTS: scratch } : process.env;
  const started = performance.now();
  const timings: Record<string, { seconds: number; exitCode: number }> = {};
  for (const bench of BENCHES) {
    const args = smoke ? bench.smoke : forwarded(argv, bench.flags);
    if (!args) continue;
    const t0 = performance.now();
    process.stdout.write(`\n=== ${bench.name} ===\n`);
    const exitCode = await run(bench.file, args, env);
    timings[bench.name] = { seconds: (performance.now() - t0) / 1000, exitCode };
  }
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  const totalSeconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `\nnpm run bench${smoke ? " --smoke" : ""}: ${totalSeconds.toFixed(0)} s wall (${Object.entries(
      timings,
    )
      .map(
        ([name, t]) =>
          `${name} ${t.seconds.toFixed(0)} s${t.exitCode ? ` FAILED (${t.exitCode})` : ""}`,
      )
      .join(", ")})\n`,
  );
  if (!smoke) writeResult("run-all", { argv, totalSeconds, timings });
  if (Object.values(timings).some((t) => t.exitCode !== 0)) process.exitCode = 1;
}

await main();
