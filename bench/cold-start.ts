/**
 * Cold start, side by side: how long a new user's MCP host waits, from spawning the
 * line in its config until `tools/list` is answered, for
 *   npx -y file:<planexe-client tarball packed from this tree> mcp
 *   npx -y mcp-remote@0.15.1 <url>/mcp --header Authorization:Bearer…   (what PlanExe users run today)
 * each from an EMPTY npm cache (a fresh `npm_config_cache` per trial: every package
 * comes from the registry, as on a new machine) and then WARM (the same command again
 * on that cache). Both talk to one local emulator on 127.0.0.1, so PlanExe's own
 * latency is not in the numbers. Also counted: the packages and bytes npx installed
 * for each (its `_npx/<hash>/node_modules`), and the same install started without npx
 * (`node <its bin>`, `--direct` times a trial: what the process itself costs). Trials interleave the two, the order
 * alternating, so drift on the box and on the registry hits both alike; the whole
 * measurement holds `flock /tmp/planexe-vitest.lock` (`--lock none` when the caller
 * already holds it).
 *
 *   tsx bench/cold-start.ts [--trials 3] [--direct 5] [--mcp-remote 0.15.1] [--lock /tmp/planexe-vitest.lock]
 *
 * Needs the npm registry. Builds dist/ first when it is stale (scripts/ensure-build.mjs),
 * then `npm pack`s the tree into a temporary folder.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DOUBLE_API_KEY, startEmulator } from "../src/emulator/index.js";
import { type FirstAnswer, timeFirstAnswer } from "./cold/first-answer.js";
import { type Installed, installedByNpx, npxModules } from "./cold/installed.js";
import { type HeldLock, holdLock } from "./cold/lock.js";
import { readFlags } from "./lib/args.js";
import { machineInfo, printTable, writeResult } from "./lib/report.js";
import { median } from "./lib/stats.js";

type ServerName = "planexe-client" | "mcp-remote";
const SERVERS: ServerName[] = ["planexe-client", "mcp-remote"];

interface Trial {
  server: ServerName;
  empty: FirstAnswer;
  warm: FirstAnswer;
  /** The same install started without npx (`node <its bin>`), `--direct` times: the process alone. */
  direct: FirstAnswer[];
  installed: Installed;
}

const root = fileURLToPath(new URL("..", import.meta.url));
const log = (line: string) =>
  process.stdout.write(`  ${new Date().toISOString().slice(11, 19)} ${line}\n`);

/** Builds dist/ if stale and packs the tree; returns the tarball's path. */
function packTree(into: string): string {
  execFileSync(process.execPath, [join(root, "scripts", "ensure-build.mjs")], {
    cwd: root,
    stdio: "inherit",
  });
  // dist/ is fresh: `prepare` (a second tsup run) is not needed.
  execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", into], {
    cwd: root,
    stdio: "pipe",
  });
  const file = readdirSync(into).find((name) => name.endsWith(".tgz"));
  if (!file) throw new Error("npm pack wrote no tarball");
  return join(into, file);
}

/** The host config's line for `server`: command, args and env. */
function commandOf(
  server: ServerName,
  tarball: string,
  mcpRemote: string,
  url: string,
  home: string,
): { args: string[]; env: Record<string, string> } {
  if (server === "planexe-client")
    return {
      // `file:`: a bare path would be run as a command.
      args: ["-y", `file:${tarball}`, "mcp"],
      env: { PLANEXE_URL: url, PLANEXE_API_KEY: DOUBLE_API_KEY },
    };
  return {
    // As its README says: no spaces around the colon; --allow-http for the local URL.
    args: [
      "-y",
      `mcp-remote@${mcpRemote}`,
      `${url}/mcp`,
      "--allow-http",
      "--header",
      `Authorization:Bearer ${DOUBLE_API_KEY}`,
    ],
    // Its token store, kept out of the user's home.
    env: { MCP_REMOTE_CONFIG_DIR: join(home, "mcp-remote") },
  };
}

async function trial(
  server: ServerName,
  work: string,
  directRuns: number,
  run: (cache: string, home: string, bin?: string) => Promise<FirstAnswer>,
): Promise<Trial> {
  const cache = mkdtempSync(join(work, `cache-${server}-`));
  const home = mkdtempSync(join(work, `home-${server}-`));
  try {
    const empty = await run(cache, home);
    const warm = await run(cache, home);
    const bin = join(npxModules(cache), ".bin", server); // each package's bin is named after it;
    const direct: FirstAnswer[] = [];
    for (let i = 0; i < directRuns; i++) direct.push(await run(cache, home, bin));
    return { server, empty, warm, direct, installed: installedByNpx(cache) };
  } finally {
    rmSync(cache, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const range = (values: number[]) =>
  `${seconds(Math.min(...values))}–${seconds(Math.max(...values))} (median ${seconds(median(values))})`;
const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function main(): Promise<void> {
  const flags = readFlags({
    trials: 3,
    direct: 5,
    "mcp-remote": "0.15.1",
    lock: "/tmp/planexe-vitest.lock",
  });
  const work = mkdtempSync(join(tmpdir(), "planexe-cold-start-"));
  const npm = execFileSync("npm", ["--version"], { encoding: "utf8" }).trim();
  let lock: HeldLock | undefined;
  const emulator = await startEmulator({ port: 0, replicas: 1, rateLimit: false });
  try {
    const tarball = packTree(mkdtempSync(join(work, "pack-")));
    log(`packed ${tarball}; emulator at ${emulator.url}`);
    if (flags.lock !== "none") {
      log(`waiting for flock ${flags.lock}`);
      lock = await holdLock(flags.lock);
    }
    // Shared by every run: an empty folder, so npx never finds a package installed nearby.
    const cwd = mkdtempSync(join(work, "cwd-"));
    const machine = machineInfo();
    const trials: Trial[] = [];
    for (let t = 0; t < flags.trials; t++) {
      const order = t % 2 === 0 ? SERVERS : [...SERVERS].reverse();
      for (const server of order) {
        const result = await trial(server, work, flags.direct, (cache, home, bin) => {
          const { args, env } = commandOf(server, tarball, flags["mcp-remote"], emulator.url, home);
          // Without npx: node runs the installed bin with the same arguments.
          const direct = bin ? [bin, ...args.slice(2)] : undefined;
          return timeFirstAnswer({
            command: direct ? process.execPath : "npx",
            args: direct ?? args,
            cwd,
            env: { ...process.env, ...env, npm_config_cache: cache },
            timeoutMs: 180_000,
          });
        });
        log(
          `trial ${t + 1} ${server}: empty ${seconds(result.empty.toolsListMs)} s, warm ${seconds(result.warm.toolsListMs)} s, without npx ${seconds(median(result.direct.map((d) => d.toolsListMs)))} s, ${result.installed.packages} packages, ${megabytes(result.installed.bytes)}, ${result.warm.tools} tools`,
        );
        trials.push(result);
      }
    }
    await lock?.release();
    lock = undefined;
    const of = (server: ServerName) => trials.filter((r) => r.server === server);
    const medians = (server: ServerName, pick: (r: Trial) => number) =>
      median(of(server).map(pick));
    const rows = SERVERS.map((server) => {
      const runs = of(server);
      const installed = runs[0]?.installed;
      return [
        server === "planexe-client"
          ? "`npx -y planexe-client mcp` (packed from this tree)"
          : `\`npx -y mcp-remote@${flags["mcp-remote"]}\``,
        String(installed?.packages ?? "—"),
        installed
          ? `${megabytes(installed.bytes)} (${megabytes(installed.diskBytes)} on disk)`
          : "—",
        `${range(runs.map((r) => r.empty.toolsListMs))} s`,
        `${range(runs.map((r) => r.warm.toolsListMs))} s`,
        `${range(runs.flatMap((r) => r.direct.map((d) => d.toolsListMs)))} s`,
      ];
    });
    const ratio = (pick: (r: Trial) => number) =>
      medians("planexe-client", pick) / medians("mcp-remote", pick);
    const ratios = {
      empty: ratio((r) => r.empty.toolsListMs),
      warm: ratio((r) => r.warm.toolsListMs),
      withoutNpx: ratio((r) => median(r.direct.map((d) => d.toolsListMs))),
    };
    rows.push([
      "ratio planexe-client / mcp-remote (medians)",
      "",
      "",
      `**${ratios.empty.toFixed(2)}**`,
      `**${ratios.warm.toFixed(2)}**`,
      `**${ratios.withoutNpx.toFixed(2)}**`,
    ]);
    printTable(
      `spawn → tools/list answered, ${flags.trials} trials each (${flags.direct} runs without npx per trial; min–max, median), npm ${npm}`,
      [
        "",
        "packages installed",
        "bytes installed",
        "empty cache",
        "warm cache",
        "installed, without npx",
      ],
      rows,
    );
    const file = writeResult(
      "cold-start",
      {
        flags,
        npm,
        installCounted:
          "npx's own install: <cache>/_npx/<hash>/node_modules, packages from its .package-lock.json, bytes = apparent sizes of every file, diskBytes = du -sk",
        ratios,
        trials,
      },
      machine,
    );
    process.stdout.write(`wrote ${file}\n`);
  } finally {
    await lock?.release();
    await emulator.stop({ graceMs: 500 });
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
