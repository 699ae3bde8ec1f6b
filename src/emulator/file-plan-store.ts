import { mkdirSync, readFileSync, renameSync, type Stats, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { PlanExeState, PlanStore } from "../fake/store.js";
import type { PlanRecord } from "../fake/types.js";
import { createFileLock, type FileLock } from "./file-lock.js";
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
  const lock = createFileLock(`${file}.lock`, options.staleLockMs ?? 2000);
  mkdirSync(dirname(file), { recursive: true });
  const state = createStateFile(file);
  const transact = options.coalesceWrites
    ? coalescingTransactions(lock, state)
    : lockedTransactions(lock, state);
  const copy = (plan: PlanRecord): PlanRecord => structuredClone(plan);

  return {
    get(planId) {
      state.reload();
      const plan = state.plans.get(planId);
      return plan ? copy(plan) : undefined;
    },
    list() {
      state.reload();
      return [...state.plans.values()].map(copy);
    },
    insert(plan) {
      transact(() => {
        state.plans.set(plan.plan_id, copy(plan));
        return { result: undefined, changed: true };
      });
    },
    update(planId, change) {
      return transact(() => {
        const current = state.plans.get(planId);
        if (!current) return { result: undefined, changed: false };
        const next = change(copy(current));
        if (!next) return { result: copy(current), changed: false };
        state.plans.set(planId, copy(next));
        return { result: copy(next), changed: true };
      });
    },
    exportState() {
      state.reload();
      return { version: 1, plans: [...state.plans.values()].map(copy) };
    },
  };
}

/**
 * The plans as last read from or written to `file`. `reload()` reads the file
 * again only when another process has replaced it; `write()` replaces it atomically.
 */
function createStateFile(file: string) {
  let plans = new Map<string, PlanRecord>();
  let seen = "";
  let tmpCounter = 0;
  const statKey = (stats: Stats) => `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  return {
    get plans() {
      return plans;
    },
    reload(): void {
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
    },
    write(): void {
      const state: PlanExeState = { version: 1, plans: [...plans.values()] };
      const tmp = `${file}.${process.pid}.${tmpCounter++}.tmp`;
      writeFileSync(tmp, JSON.stringify(state));
      renameSync(tmp, file);
      seen = statKey(statSync(file));
    },
  };
}

type StateFile = ReturnType<typeof createStateFile>;

/** Runs a change under the lock on fresh state; the change says whether it changed anything (to write). */
type Transact = <T>(fn: () => { result: T; changed: boolean }) => T;

/** One lock, read and write per change. */
function lockedTransactions(lock: FileLock, state: StateFile): Transact {
  return (fn) => {
    lock.acquire();
    try {
      state.reload();
      const { result, changed } = fn();
      if (changed) state.write();
      return result;
    } finally {
      lock.release();
    }
  };
}

/** `coalesceWrites`: the first change of a turn takes the lock; the turn's changes are written at `setImmediate`. */
function coalescingTransactions(lock: FileLock, state: StateFile): Transact {
  let holding = false;
  let dirty = false;
  const flush = () => {
    try {
      if (dirty) state.write();
    } finally {
      holding = false;
      dirty = false;
      lock.release();
    }
  };
  // A process that exits right after its last changes (the worker failing its running
  // plans on SIGTERM) writes them before it goes.
  process.once("exit", () => {
    if (holding) flush();
  });
  return (fn) => {
    if (!holding) {
      lock.acquire();
      state.reload();
      holding = true;
      setImmediate(flush);
    }
    const { result, changed } = fn();
    if (changed) dirty = true;
    return result;
  };
}
