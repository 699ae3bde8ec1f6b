/**
 * `npm run bench`: every benchmark, one after another, each in its own Node
 * process (a fresh heap, its own RSS, `--expose-gc`), printing its table and
 * writing `bench/results/<name>.json`. Flags after `--` go to every script that
 * knows them, e.g. `npm run bench -- --scale 0.5 --watchers 100 --large 0`.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { writeResult } from "./lib/report.js";

const BENCHES: Array<{ name: string; file: string; flags: string[] }> = [
  { name: "call-overhead", file: "call-overhead.ts", flags: ["calls", "warmup"] },
  { name: "stream-cost", file: "stream-cost.ts", flags: ["events", "rounds"] },
  { name: "memory", file: "memory.ts", flags: ["cycles"] },
  {
    name: "deploy-survival",
    file: "deploy-survival.ts",
    flags: ["watchers", "scale", "clients", "large", "large-client"],
  },
  { name: "mcp-bridge", file: "mcp-bridge.ts", flags: ["window", "cold-window"] },
  { name: "bundle-size", file: "bundle-size.ts", flags: ["entry"] },
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

function run(file: string, args: string[]): Promise<number> {
  const path = fileURLToPath(new URL(file, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, "--expose-gc", path, ...args], {
      stdio: "inherit",
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const started = performance.now();
  const timings: Record<string, { seconds: number; exitCode: number }> = {};
  for (const bench of BENCHES) {
    const t0 = performance.now();
    process.stdout.write(`\n=== ${bench.name} ===\n`);
    const exitCode = await run(bench.file, forwarded(argv, bench.flags));
    timings[bench.name] = { seconds: (performance.now() - t0) / 1000, exitCode };
  }
  const totalSeconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `\nnpm run bench: ${totalSeconds.toFixed(0)} s wall (${Object.entries(timings)
      .map(
        ([name, t]) =>
          `${name} ${t.seconds.toFixed(0)} s${t.exitCode ? ` FAILED (${t.exitCode})` : ""}`,
      )
      .join(", ")})\n`,
  );
  writeResult("run-all", { argv, totalSeconds, timings });
  if (Object.values(timings).some((t) => t.exitCode !== 0)) process.exitCode = 1;
}

await main();
