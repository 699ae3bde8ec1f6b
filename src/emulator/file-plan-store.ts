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
  /**
   * Write the changes of one event-loop turn as one file: the first change takes the
   * lock, later ones in the same turn apply in memory, and the file is written and
   * the lock released at `setImmediate`. For a process that makes many small changes
   * (the worker advancing hundreds of plans): one write per turn instead of one per
   * plan step, each of which rewrites every plan. Other processes see the turn's
   * changes together, a moment later; none is lost (the lock is held throughout).
   * Do not write through a second store of the same file in the same process meanwhile.
   * @default false
   */
  coalesceWrites?: boolean;
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

  let holding = false;
  let dirty = false;
  const flush = () => {
    try {
      if (dirty) write();
    } finally {
      holding = false;
      dirty = false;
      release();
    }
  };

  // A process that exits right after its last changes (the worker failing its running
  // plans on SIGTERM) writes them before it goes.
  if (options.coalesceWrites)
    process.once("exit", () => {
      if (holding) flush();
    });

  /** Runs `fn` under the lock on fresh state; `fn` returns whether it changed anything (to write). */
  function transact<T>(fn: () => { result: T; changed: boolean }): T {
    if (!options.coalesceWrites) {
      return withLock(() => {
        const { result, changed } = fn();
        if (changed) write();
        return result;
      });
    }
    if (!holding) {
      acquire();
      reload();
      holding = true;
      setImmediate(flush);
    }
    const { result, changed } = fn();
    if (changed) dirty = true;
    return result;
  }

  function withLock<T>(fn: () => T): T {
    acquire();
    try {
      reload();
      return fn();
    } finally {
      release();
    }
  }

  function acquire(): void {
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
  }

  function release(): void {
    try {
      unlinkSync(lockFile);
    } catch {
      // Broken as stale by another process: nothing left to release.
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
      transact(() => {
        plans.set(plan.plan_id, copy(plan));
        return { result: undefined, changed: true };
      });
    },
    update(planId, change) {
      return transact(() => {
        const current = plans.get(planId);
        if (!current) return { result: undefined, changed: false };
        const next = change(copy(current));
        if (!next) return { result: copy(current), changed: false };
        plans.set(planId, copy(next));
        return { result: copy(next), changed: true };
      });
    },
    exportState() {
      reload();
      return { version: 1, plans: [...plans.values()].map(copy) };
    },
  };
}
