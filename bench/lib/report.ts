import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where every benchmark writes its JSON (`<name>.json`): `bench/results`, or the folder
 * `$PLANEXE_BENCH_RESULTS` names (the smoke test's temporary one, so it leaves the
 * recorded results alone).
 */
export const RESULTS_DIR =
  process.env.PLANEXE_BENCH_RESULTS ??
  join(dirname(fileURLToPath(import.meta.url)), "..", "results");

/** The machine a result was measured on. */
export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  node: string;
  platform: string;
  /** 1-minute load average when the benchmark started: other work on the box skews numbers. */
  loadAverage1m: number;
}

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) return line.split(":")[1]?.trim() ?? "unknown";
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return cpus()[0]?.model ?? "unknown";
}

/** The commit measured: `BENCH_COMMIT` (set when running from an exported tree), else `git rev-parse HEAD`. */
export function measuredCommit(): string {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

export function machineInfo(): MachineInfo {
  return {
    nproc: availableParallelism(),
    cpuModel: cpuModel(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
  };
}

/** Prints a titled Markdown table (so it can be pasted into docs/benchmarks.md as is). */
export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const out = [
    `\n### ${title}\n`,
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...rows.map(line),
    "",
  ];
  process.stdout.write(`${out.join("\n")}\n`);
}

/** Writes `bench/results/<name>.json` with the machine (as seen when the run started) and the time. */
export function writeResult(
  name: string,
  data: Record<string, unknown>,
  machine: MachineInfo = machineInfo(),
): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  const body = {
    name,
    measuredAt: new Date().toISOString(),
    commit: measuredCommit(),
    machine,
    ...data,
  };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
