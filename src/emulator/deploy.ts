import type { DeployKind } from "../fake/index.js";
import { type Clock, sleep } from "../time/clock.js";
import { EmulatorError } from "./emulator-error.js";
import type { ReplicaPool } from "./replica-pool.js";

/** Options of `emulator.deploy()`. */
export interface DeployOptions {
  /**
   * `restart`: SIGTERM every replica, SIGKILL after `graceMs`, no replica until
   * `windowMs` after the SIGTERM (the edge answers 502), then new replicas, which
   * get traffic once healthy. `rolling`: start new replicas, wait until they are
   * healthy, keep both for `windowMs`, take the old ones out of rotation, SIGTERM
   * them (they finish in-flight requests and drain their streams) and SIGKILL
   * after `graceMs`.
   */
  mode: DeployKind;
  /** restart: the 502 window; rolling: how long old and new replicas overlap. @default restart 30000, rolling 0 */
  windowMs?: number;
  /** SIGTERM → SIGKILL. @default the emulator's `graceMs` (10000, Railway's) */
  graceMs?: number;
  /** How long new replicas may take to become healthy before the deploy fails. @default 30000 */
  healthTimeoutMs?: number;
}

/** What a deploy did. */
export interface DeployReport {
  mode: DeployKind;
  windowMs: number;
  graceMs: number;
  startedAt: string;
  durationMs: number;
  /** restart: ms from the SIGTERM until a new replica was healthy (the 502 window clients saw); rolling: 0. */
  unavailableMs: number;
  stopped: Array<{ id: string; pid: number; killed: boolean }>;
  started: Array<{ id: string; pid: number; port: number }>;
}

/**
 * The emulator's deploys: one at a time, each replacing the replicas with `count`
 * of the next generation; `busy` while one runs.
 */
export function createDeployer(
  pool: ReplicaPool,
  defaults: { count: number; graceMs: number; clock: Clock },
) {
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
      graceMs: deployOptions.graceMs ?? defaults.graceMs,
      healthTimeoutMs: deployOptions.healthTimeoutMs ?? 30_000,
      count: defaults.count,
      generation,
      clock: defaults.clock,
    })
      .catch((cause: unknown) => {
        throw new EmulatorError("DEPLOY_FAILED", `The ${mode} deploy failed`, { cause });
      })
      .finally(() => {
        deploying = undefined;
      });
    return deploying;
  };
  return {
    deploy,
    get busy() {
      return deploying !== undefined;
    },
  };
}

/** Runs one deploy on `pool`; `count` new replicas of generation `generation` replace the current ones. */
async function runDeploy(
  pool: ReplicaPool,
  options: Required<Pick<DeployOptions, "mode" | "windowMs" | "graceMs" | "healthTimeoutMs">> & {
    count: number;
    generation: number;
    clock: Clock;
  },
): Promise<DeployReport> {
  const { mode, windowMs, graceMs, healthTimeoutMs, count, generation, clock } = options;
  const t0 = clock.now();
  const old = pool.current();
  let unavailableMs = 0;
  let stopped: DeployReport["stopped"];
  let fresh: ReturnType<ReplicaPool["startGroup"]>;
  if (mode === "restart") {
    pool.drainTraffic(old);
    stopped = await Promise.all(old.map((replica) => pool.retire(replica, graceMs)));
    await sleep(Math.max(0, t0 + windowMs - clock.now()), { clock });
    fresh = pool.startGroup(count, generation);
    await pool.waitHealthy(fresh, healthTimeoutMs);
    unavailableMs = clock.now() - t0;
  } else {
    fresh = pool.startGroup(count, generation);
    try {
      await pool.waitHealthy(fresh, healthTimeoutMs);
    } catch (error) {
      // A failed rolling deploy keeps the old replicas serving, as Railway does.
      await Promise.all(fresh.map((replica) => pool.retire(replica, 0)));
      throw error;
    }
    if (windowMs > 0) await sleep(windowMs, { clock });
    pool.drainTraffic(old);
    stopped = await Promise.all(old.map((replica) => pool.retire(replica, graceMs)));
  }
  return {
    mode,
    windowMs,
    graceMs,
    startedAt: new Date(t0).toISOString(),
    durationMs: clock.now() - t0,
    unavailableMs,
    stopped,
    started: fresh.map((replica) => ({
      id: replica.id,
      pid: replica.handle.pid,
      port: replica.port,
    })),
  };
}
