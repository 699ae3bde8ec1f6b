import type { PlanRecord } from "./types.js";

/**
 * Where the double keeps its plans: the "Postgres" of the fake. Synchronous so
 * that each `update` is atomic; a file-backed store shared by processes (the
 * emulator) implements the same four methods.
 */
export interface PlanStore {
  get(planId: string): PlanRecord | undefined;
  /** Every plan, in insertion order. */
  list(): PlanRecord[];
  insert(plan: PlanRecord): void;
  /**
   * Reads the plan, applies `change` and writes its result back in one step.
   * `change` returns the new record, or `undefined` to leave the plan as it is.
   * Returns the stored plan after the call (`undefined` when there is none).
   */
  update(
    planId: string,
    change: (plan: PlanRecord) => PlanRecord | undefined,
  ): PlanRecord | undefined;
}

/** Everything a {@link PlanStore} holds, as plain JSON. */
export interface PlanExeState {
  version: 1;
  plans: PlanRecord[];
}

const clone = (plan: PlanRecord): PlanRecord => structuredClone(plan);

/** The default {@link PlanStore}: plans in a `Map`, copied in and out so callers cannot alias them. */
export function createMemoryPlanStore(initial: PlanExeState | undefined = undefined): PlanStore & {
  exportState(): PlanExeState;
  importState(state: PlanExeState): void;
} {
  const plans = new Map<string, PlanRecord>();
  const store = {
    get: (planId: string) => {
      const plan = plans.get(planId);
      return plan ? clone(plan) : undefined;
    },
    list: () => [...plans.values()].map(clone),
    insert(plan: PlanRecord) {
      plans.set(plan.plan_id, clone(plan));
    },
    update(planId: string, change: (plan: PlanRecord) => PlanRecord | undefined) {
      const current = plans.get(planId);
      if (!current) return undefined;
      const next = change(clone(current));
      if (next) plans.set(planId, clone(next));
      return clone(plans.get(planId) as PlanRecord);
    },
    exportState: (): PlanExeState => ({ version: 1, plans: store.list() }),
    importState(state: PlanExeState) {
      plans.clear();
      for (const plan of state.plans) plans.set(plan.plan_id, clone(plan));
    },
  };
  if (initial) store.importState(initial);
  return store;
}
