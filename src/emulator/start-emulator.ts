import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type Clock, systemClock } from "../transport/clock.js";
import { type ChildHandle, spawnChild } from "./child-process.js";
import type { ChildConfig } from "./child-protocol.js";
import { createControlHandler } from "./control.js";
import { type DeployOptions, type DeployReport, runDeploy } from "./deploy.js";
import { createEdge } from "./edge.js";
import { EmulatorError } from "./emulator-error.js";
import { guardChild } from "./orphan-guard.js";
import { createReplicaPool, type ReplicaInfo } from "./replica-pool.js";

/** Options of {@link startEmulator}. Every time is an option, so tests run in seconds. */
export interface EmulatorOptions {
  /** The edge's port; 0 picks a free one. @default 8001 */
  port?: number;
  /** The edge's address. @default "127.0.0.1" */
  host?: string;
  /** Replica processes behind the edge. @default 2 */
  replicas?: number;
  /** How long a plan takes from `processing` to `completed`. @default 60 */
  planSeconds?: number;
  /** Require this API key (`X-API-Key` or `Authorization: Bearer`). @default no key required */
  apiKey?: string;
  /** Apply PlanExe's 60 requests / 60 s limit. @default false */
  rateLimit?: boolean;
  /** Progress stream: heartbeat after this much silence. @default 20000 */
  heartbeatMs?: number;
  /** Progress stream: the `retry:` hint. @default 5000 */
  retryMs?: number;
  /** Progress stream: the `retry:` hint a draining replica ends its streams with. @default 250 */
  drainRetryMs?: number;
  /** Progress stream: how often a replica reads the plan. @default 3000 */
  pollIntervalMs?: number;
  /** Open progress streams per client address (per replica). @default 5 */
  maxStreamsPerClient?: number;
  /** Open progress streams per replica. @default 200 */
  maxStreams?: number;
  /** Plans the worker runs at the same time. @default 4 */
  workerConcurrency?: number;
  /** How often the worker looks for pending plans. @default 250 */
  workerPollMs?: number;
  /** SIGTERM → SIGKILL for replicas (deploys, `stop()`) and the worker. @default 10000 */
  graceMs?: number;
  /** The edge health-checks each replica on `/healthcheck` this often. @default 1000 */
  healthIntervalMs?: number;
  /** Where the state file lives. Given: kept after `stop()` (plans survive emulator runs). @default a fresh temporary directory, removed by `stop()` */
  stateDir?: string;
  /** Told each line a child process writes to stderr, prefixed with its id. @default dropped */
  onLog?: (line: string) => void;
  /** Where time comes from (deploy windows, grace periods, health checks). @default systemClock */
  clock?: Clock;
}

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
  const clock = options.clock ?? systemClock;
  const graceMs = options.graceMs ?? 10_000;
  const ownsStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir
    ? resolve(options.stateDir)
    : mkdtempSync(join(tmpdir(), "planexe-emulator-"));
  const stateFile = join(stateDir, "state.json");
  const onLog = options.onLog;
  const base: Omit<ChildConfig, "id"> = {
    stateFile,
    planSeconds: options.planSeconds ?? 60,
    apiKey: options.apiKey,
    rateLimit: options.rateLimit ?? false,
    heartbeatMs: options.heartbeatMs ?? 20_000,
    retryMs: options.retryMs ?? 5000,
    drainRetryMs: options.drainRetryMs ?? 250,
    pollIntervalMs: options.pollIntervalMs ?? 3000,
    maxStreamsPerClient: options.maxStreamsPerClient ?? 5,
    maxStreams: options.maxStreams ?? 200,
    workerConcurrency: options.workerConcurrency ?? 4,
    workerPollMs: options.workerPollMs ?? 250,
    graceMs,
  };
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
  const worker = spawn("worker-main", "worker");
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
      status: () => ({ replicas: pool.info(), workerPid: worker.pid, deploying: !!deploying }),
    }),
  }).catch(async (cause: unknown) => {
    await Promise.all([pool.stop(0), worker.terminate(0)]);
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
      await Promise.all([pool.stop(grace), worker.terminate(grace)]);
      if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
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
    pids: () => [...pool.pids(), worker.pid],
    deploy,
    stop,
  };
}
