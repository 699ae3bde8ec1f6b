import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Clock, systemClock } from "../time/clock.js";
import { type ChildHandle, spawnChild } from "./child-process.js";
import { createControlHandler } from "./control.js";
import { createDeployer, type DeployOptions, type DeployReport } from "./deploy.js";
import { createEdge } from "./edge.js";
import { EmulatorError } from "./emulator-error.js";
import { checkEmulatorOptions, childConfigOf, type EmulatorOptions } from "./emulator-options.js";
import { guardChild } from "./orphan-guard.js";
import { createReplicaPool, type ReplicaInfo, type ReplicaPool } from "./replica-pool.js";

export type { EmulatorOptions } from "./emulator-options.js";

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>` (or the `host` it listens on): the edge, PlanExe's public URL. */
  readonly url: string;
  readonly port: number;
  /** The shared state file (the emulator's database). */
  readonly stateFile: string;
  /** The replicas right now. */
  readonly replicas: ReplicaInfo[];
  /** The worker process's pid. */
  readonly workerPid: number;
  /** Every child process id (replicas and worker): none of them outlives `stop()`. */
  pids(): number[];
  /** Runs one deploy; rejects with `EmulatorError` DEPLOY_IN_PROGRESS while another runs. */
  deploy(options: DeployOptions): Promise<DeployReport>;
  /** Stops the edge, the replicas and the worker (SIGTERM, SIGKILL after `graceMs`). */
  stop(options?: { graceMs?: number }): Promise<void>;
}

function publicHost(host: string | undefined): string {
  if (!host || host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Starts a local PlanExe: an edge on `port` (Railway's proxy: health-checked
 * round-robin, 502 HTML while no replica is healthy), `replicas` replica
 * processes and one worker process, sharing one state file. Resolves once
 * every replica is healthy.
 *
 * @example
 * const emulator = await startEmulator({ port: 0, planSeconds: 5 });
 * await emulator.deploy({ mode: "restart", windowMs: 2000 });
 * await emulator.stop();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const count = replicaCountOf(options);
  checkEmulatorOptions(options);
  const clock = options.clock ?? systemClock;
  const graceMs = options.graceMs ?? 10_000;
  const state = openStateDir(options.stateDir);
  const spawn = childSpawner(options, state.file, clock);
  const pool = createReplicaPool({
    spawn: (id) => spawn("replica-main", id),
    healthIntervalMs: options.healthIntervalMs ?? 1000,
    clock,
  });
  let worker: ChildHandle | undefined;
  const deployer = createDeployer(pool, { count, graceMs, clock });
  const edge = await listenEdge(options, pool, state, {
    deploy: deployer.deploy,
    status: () => ({ replicas: pool.info(), workerPid: worker?.pid, deploying: deployer.busy }),
  });

  let stopped: Promise<void> | undefined;
  const stop = (stopOptions: { graceMs?: number } = {}): Promise<void> => {
    stopped ??= (async () => {
      const grace = stopOptions.graceMs ?? graceMs;
      await edge.close();
      await Promise.all([pool.stop(grace), worker?.terminate(grace)]);
      state.release();
    })();
    return stopped;
  };

  try {
    worker = spawn("worker-main", "worker");
    await Promise.all([worker.ready, pool.waitHealthy(pool.startGroup(count, 0), 30_000)]);
  } catch (cause) {
    await stop({ graceMs: 0 });
    throw new EmulatorError("START_FAILED", "The emulator's processes did not start", { cause });
  }

  return {
    url: `http://${publicHost(options.host)}:${edge.port}`,
    port: edge.port,
    stateFile: state.file,
    get replicas() {
      return pool.info();
    },
    workerPid: worker.pid,
    pids: () => [...pool.pids(), ...(worker ? [worker.pid] : [])],
    deploy: deployer.deploy,
    stop,
  };
}

function replicaCountOf(options: EmulatorOptions): number {
  const count = options.replicas ?? 2;
  if (!Number.isInteger(count) || count < 1) {
    throw new TypeError(`startEmulator: \`replicas\` must be a whole number >= 1, got ${count}.`);
  }
  return count;
}

/** The state directory: the one given (kept), or a fresh temporary one that `release()` removes. */
function openStateDir(given: string | undefined): { file: string; release(): void } {
  const owned = given === undefined;
  const dir = given ? resolve(given) : mkdtempSync(join(tmpdir(), "planexe-emulator-"));
  return {
    file: join(dir, "state.json"),
    release() {
      if (owned) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts replica and worker processes with the emulator's config, their stderr to `onLog`, each guarded against orphaning. */
function childSpawner(options: EmulatorOptions, stateFile: string, clock: Clock) {
  const base = childConfigOf(options, stateFile);
  const onLog = options.onLog;
  return (program: "replica-main" | "worker-main", id: string): ChildHandle => {
    const handle = spawnChild(
      program,
      { ...base, id },
      onLog ? { clock, onStderr: (line) => onLog(`[${id}] ${line}`) } : { clock },
    );
    guardChild(handle.process);
    return handle;
  };
}

/** The edge on `options.port`; when it cannot listen, the replicas and the state directory go too. */
function listenEdge(
  options: EmulatorOptions,
  pool: ReplicaPool,
  state: { release(): void },
  control: Parameters<typeof createControlHandler>[0],
) {
  return createEdge({
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 8001,
    pick: () => pool.pick(),
    intercept: createControlHandler(control),
  }).catch(async (cause: unknown) => {
    await pool.stop(0);
    state.release();
    const inUse = (cause as NodeJS.ErrnoException).code === "EADDRINUSE";
    throw new EmulatorError(
      "START_FAILED",
      inUse
        ? `Port ${options.port ?? 8001} is in use; pick another port (--port) or stop what listens there`
        : "The emulator's edge could not listen",
      { cause },
    );
  });
}
