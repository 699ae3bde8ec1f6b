import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import type { PlanExeState, PlanStore } from "../fake/store.js";
import type { PlanRecord } from "../fake/types.js";

/** Options of {@link createFilePlanStore}. */
export interface FilePlanStoreOptions {
  /** A lock older than this is taken to belong to a killed process and is broken. @default 2000 */
  staleLockMs?: number;
}

/**
 * A {@link PlanStore} in one JSON file shared by processes: the emulator's
 * "Postgres". Reads reload the file when another process has replaced it; each
 * write holds a lock file, re-reads, applies the change and replaces the file
 * atomically (write a temporary file, then rename), so a replica killed at any
 * moment leaves either the old or the new state, never half of one, and two
 * processes never overwrite each other's plans.
 */
export function createFilePlanStore(
  file: string,
  options: FilePlanStoreOptions = {},
): PlanStore & { exportState(): PlanExeState } {
  const staleLockMs = options.staleLockMs ?? 2000;
  const lockFile = `${file}.lock`;
  let plans = new Map<string, PlanRecord>();
  let seen = "";
  let tmpCounter = 0;
  mkdirSync(dirname(file), { recursive: true });

  const statKey = (stats: Stats) => `${stats.ino}:${stats.size}:${stats.mtimeMs}`;

  function reload(): void {
    let stats: Stats;
    try {
      stats = statSync(file);
    } catch {
      return;
    }
    const key = statKey(stats);
    if (key === seen) return;
    const state = JSON.parse(readFileSync(file, "utf8")) as PlanExeState;
    plans = new Map(state.plans.map((plan) => [plan.plan_id, plan]));
    seen = key;
  }

  function write(): void {
    const state: PlanExeState = { version: 1, plans: [...plans.values()] };
    const tmp = `${file}.${process.pid}.${tmpCounter++}.tmp`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, file);
    seen = statKey(statSync(file));
  }

  function withLock<T>(fn: () => T): T {
    const started = Date.now();
    for (;;) {
      try {
        const fd = openSync(lockFile, "wx");
        writeSync(fd, String(process.pid));
        closeSync(fd);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        breakIfStale();
        if (Date.now() - started > staleLockMs * 5)
          throw new Error(`State lock ${lockFile} is stuck`);
        // Locks are held for one small read and write: wait a millisecond, synchronously.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      }
    }
    try {
      reload();
      return fn();
    } finally {
      try {
        unlinkSync(lockFile);
      } catch {
        // Broken as stale by another process: nothing left to release.
      }
    }
  }

  function breakIfStale(): void {
    try {
      if (Date.now() - statSync(lockFile).mtimeMs > staleLockMs) unlinkSync(lockFile);
    } catch {
      // Released meanwhile.
    }
  }

  const copy = (plan: PlanRecord): PlanRecord => structuredClone(plan);

  return {
    get(planId) {
      reload();
      const plan = plans.get(planId);
      return plan ? copy(plan) : undefined;
    },
    list() {
      reload();
      return [...plans.values()].map(copy);
    },
    insert(plan) {
      withLock(() => {
        plans.set(plan.plan_id, copy(plan));
        write();
      });
    },
    update(planId, change) {
      return withLock(() => {
        const current = plans.get(planId);
        if (!current) return undefined;
        const next = change(copy(current));
        if (!next) return copy(current);
        plans.set(planId, copy(next));
        write();
        return copy(next);
      });
    },
    exportState() {
      reload();
      return { version: 1, plans: [...plans.values()].map(copy) };
    },
  };
}
