import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { systemClock } from "../time/clock.js";
import { type ChildHandle, spawnChild } from "./child-process.js";
import { createControlHandler } from "./control.js";
import { type DeployOptions, type DeployReport, runDeploy } from "./deploy.js";
import { createEdge } from "./edge.js";
import { EmulatorError } from "./emulator-error.js";
import { checkEmulatorOptions, childConfigOf, type EmulatorOptions } from "./emulator-options.js";
import { guardChild } from "./orphan-guard.js";
import { createReplicaPool, type ReplicaInfo } from "./replica-pool.js";

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
  const count = options.replicas ?? 2;
  if (!Number.isInteger(count) || count < 1) {
    throw new TypeError(`startEmulator: \`replicas\` must be a whole number >= 1, got ${count}.`);
  }
  checkEmulatorOptions(options);
  const clock = options.clock ?? systemClock;
  const graceMs = options.graceMs ?? 10_000;
  const ownsStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir
    ? resolve(options.stateDir)
    : mkdtempSync(join(tmpdir(), "planexe-emulator-"));
  const stateFile = join(stateDir, "state.json");
  const onLog = options.onLog;
  const base = childConfigOf(options, stateFile);
  const spawn = (program: "replica-main" | "worker-main", id: string): ChildHandle => {
    const handle = spawnChild(
      program,
      { ...base, id },
      onLog ? { clock, onStderr: (line) => onLog(`[${id}] ${line}`) } : { clock },
    );
    guardChild(handle.process);
    return handle;
  };
  const pool = createReplicaPool({
    spawn: (id) => spawn("replica-main", id),
    healthIntervalMs: options.healthIntervalMs ?? 1000,
    clock,
  });
  let worker: ChildHandle | undefined;
  let generation = 0;
  let deploying: Promise<DeployReport> | undefined;

  const deploy = (deployOptions: DeployOptions): Promise<DeployReport> => {
    if (deploying) {
      return Promise.reject(
        new EmulatorError("DEPLOY_IN_PROGRESS", "A deploy is already running; wait for it to end."),
      );
    }
    const mode = deployOptions.mode;
    if (mode !== "restart" && mode !== "rolling") {
      return Promise.reject(
        new TypeError(`deploy: \`mode\` must be "restart" or "rolling", got ${String(mode)}.`),
      );
    }
    generation += 1;
    deploying = runDeploy(pool, {
      mode,
      windowMs: deployOptions.windowMs ?? (mode === "restart" ? 30_000 : 0),
      graceMs: deployOptions.graceMs ?? graceMs,
      healthTimeoutMs: deployOptions.healthTimeoutMs ?? 30_000,
      count,
      generation,
      clock,
    })
      .catch((cause: unknown) => {
        throw new EmulatorError("DEPLOY_FAILED", `The ${mode} deploy failed`, { cause });
      })
      .finally(() => {
        deploying = undefined;
      });
    return deploying;
  };

  const edge = await createEdge({
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 8001,
    pick: () => pool.pick(),
    intercept: createControlHandler({
      deploy,
      status: () => ({ replicas: pool.info(), workerPid: worker?.pid, deploying: !!deploying }),
    }),
  }).catch(async (cause: unknown) => {
    await pool.stop(0);
    if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true });
    const inUse = (cause as NodeJS.ErrnoException).code === "EADDRINUSE";
    throw new EmulatorError(
      "START_FAILED",
      inUse
        ? `Port ${options.port ?? 8001} is in use; pick another port (--port) or stop what listens there`
        : "The emulator's edge could not listen",
      { cause },
    );
  });

  let stopped: Promise<void> | undefined;
  const stop = (stopOptions: { graceMs?: number } = {}): Promise<void> => {
    stopped ??= (async () => {
      const grace = stopOptions.graceMs ?? graceMs;
      await edge.close();
      await Promise.all([pool.stop(grace), worker?.terminate(grace)]);
      if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true });
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
    stateFile,
    get replicas() {
      return pool.info();
    },
    workerPid: worker.pid,
    pids: () => [...pool.pids(), ...(worker ? [worker.pid] : [])],
    deploy,
    stop,
  };
}
