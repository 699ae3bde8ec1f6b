import type { Clock } from "../time/clock.js";
import { failPlan, finishStep, startRun, WORKER_RESTART_MESSAGE } from "./plans.js";
import type { PlanStore } from "./store.js";
import type { PlanFailure, PlanRecord } from "./types.js";

/** What `worker.shutdown()` did with the plans that were running. */
interface WorkerShutdownResult {
  /** Plans that reached a terminal state on their own within the grace period. */
  finished: string[];
  /** Plans still running when the grace period ended, now `failed` with `worker_error`. */
  interrupted: string[];
}

/** The background worker service of the double (one or more workers that share a queue). */
export interface PlanExeWorker {
  /** True while the worker takes new plans. */
  readonly running: boolean;
  /** The plans this worker is running now. */
  readonly busyPlanIds: readonly string[];
  /** Starts a new worker (as after a deploy); a no-op while one is running. */
  start(): void;
  /**
   * SIGTERM: stop taking plans, let running ones finish within `graceMs` on the
   * clock, then mark the rest failed ("Worker restarted during execution. Use
   * plan_retry to re-run.", `worker_error`, recoverable). Resolves when no plan runs.
   */
  shutdown(options?: { graceMs?: number }): Promise<WorkerShutdownResult>;
}

/** What the worker needs from the world. */
export interface WorkerDeps {
  clock: Clock;
  store: PlanStore;
  /** Time one pipeline step takes. */
  stepMs: number;
  /** How often an idle worker polls for pending plans (0: only when told). */
  pollMs: number;
  /** Plans run at the same time. */
  concurrency: number;
  /** A scripted failure for the step the plan is about to finish, if any. */
  scriptedFailure(plan: PlanRecord): Omit<PlanFailure, "failed_step"> | undefined;
}

interface Slot {
  planId?: string | undefined;
  run?: number | undefined;
  cancel?: (() => void) | undefined;
}

/** One worker process: its slots, its poll timer and its drain. */
function createWorkerProcess(deps: WorkerDeps, workerId: string) {
  const { clock, store } = deps;
  const slots: Slot[] = Array.from({ length: deps.concurrency }, () => ({}));
  let accepting = true;
  let cancelPoll: (() => void) | undefined;
  let cancelKick: (() => void) | undefined;
  let drain:
    | { result: WorkerShutdownResult; resolve: (r: WorkerShutdownResult) => void }
    | undefined;
  let cancelGrace: (() => void) | undefined;
  let draining: Promise<WorkerShutdownResult> | undefined;

  const busy = () => slots.filter((slot) => slot.planId !== undefined);
  const free = (slot: Slot) => {
    slot.cancel?.();
    slot.planId = slot.run = slot.cancel = undefined;
  };

  const maybeFinishDrain = () => {
    if (!drain || busy().length > 0) return;
    cancelGrace?.();
    drain.resolve(drain.result);
  };

  const tick = (slot: Slot) => {
    const { planId, run } = slot;
    if (planId === undefined) return;
    const ours = (plan: PlanRecord) =>
      plan.state === "processing" && plan.run === run && plan.worker_id === workerId;
    const now = clock.now();
    const after = store.update(planId, (plan) => {
      if (!ours(plan)) return undefined;
      const failure = deps.scriptedFailure(plan);
      return failure ? failPlan(plan, failure, now) : finishStep(plan, now);
    });
    if (after && ours(after)) {
      slot.cancel = clock.setTimer(() => tick(slot), deps.stepMs);
      return;
    }
    free(slot);
    if (drain && after && after.run === run) drain.result.finished.push(planId);
    if (accepting) pickUp();
    maybeFinishDrain();
  };

  const pickUp = () => {
    if (!accepting) return;
    // One look at the queue for every free slot: listing copies every plan, and a
    // worker with hundreds of slots would otherwise copy them hundreds of times.
    let queue: PlanRecord[] | undefined;
    let next = 0;
    for (const slot of slots) {
      if (slot.planId !== undefined) continue;
      queue ??= store
        .list()
        .filter((plan) => plan.state === "pending")
        .sort((a, b) => a.queued_at - b.queued_at);
      let claimed: PlanRecord | undefined;
      while (next < queue.length) {
        const candidate = queue[next++] as PlanRecord;
        const now = clock.now();
        const after = store.update(candidate.plan_id, (plan) =>
          plan.state === "pending" ? startRun(plan, workerId, now) : undefined,
        );
        if (
          after?.state === "processing" &&
          after.worker_id === workerId &&
          after.started_at === now
        ) {
          claimed = after;
          break;
        }
      }
      if (!claimed) return;
      slot.planId = claimed.plan_id;
      slot.run = claimed.run;
      slot.cancel = clock.setTimer(() => tick(slot), deps.stepMs);
    }
  };

  const poll = () => {
    pickUp();
    if (accepting && deps.pollMs > 0) cancelPoll = clock.setTimer(poll, deps.pollMs);
  };

  const interruptAll = () => {
    const now = clock.now();
    for (const slot of busy()) {
      const planId = slot.planId as string;
      const run = slot.run;
      free(slot);
      const after = store.update(planId, (plan) =>
        plan.state === "processing" && plan.run === run && plan.worker_id === workerId
          ? failPlan(
              plan,
              {
                failure_reason: "worker_error",
                message: WORKER_RESTART_MESSAGE,
                recoverable: true,
              },
              now,
            )
          : undefined,
      );
      if (after?.state === "failed" && after.error?.message === WORKER_RESTART_MESSAGE) {
        drain?.result.interrupted.push(planId);
      }
    }
    maybeFinishDrain();
  };

  return {
    get accepting() {
      return accepting;
    },
    busyPlanIds: () => busy().map((slot) => slot.planId as string),
    start() {
      poll();
    },
    kick() {
      if (!accepting || cancelKick) return;
      cancelKick = clock.setTimer(() => {
        cancelKick = undefined;
        pickUp();
      }, 0);
    },
    /** A plan left `processing` elsewhere (stopped): free its slot now. */
    release(planId: string) {
      const slot = slots.find((s) => s.planId === planId);
      if (!slot) return;
      free(slot);
      if (accepting) pickUp();
      maybeFinishDrain();
    },
    shutdown(graceMs: number): Promise<WorkerShutdownResult> {
      if (draining) return draining;
      accepting = false;
      cancelPoll?.();
      cancelKick?.();
      cancelKick = undefined;
      draining = new Promise((resolve) => {
        drain = { result: { finished: [], interrupted: [] }, resolve };
        if (busy().length === 0) return maybeFinishDrain();
        if (graceMs <= 0) return interruptAll();
        cancelGrace = clock.setTimer(interruptAll, graceMs);
      });
      return draining;
    },
    /** Stops every timer without touching plans (test teardown). */
    halt() {
      accepting = false;
      cancelPoll?.();
      cancelKick?.();
      cancelGrace?.();
      for (const slot of slots) free(slot);
    },
  };
}

type WorkerProcess = ReturnType<typeof createWorkerProcess>;

/** The worker service: `start()` makes a new worker process, `shutdown()` drains the current one. */
export function createWorkerService(deps: WorkerDeps) {
  let generation = 0;
  let current: WorkerProcess | undefined;
  const all = new Set<WorkerProcess>();

  const service: PlanExeWorker & {
    kick(): void;
    release(planId: string): void;
    halt(): void;
  } = {
    get running() {
      return current?.accepting ?? false;
    },
    get busyPlanIds() {
      return [...all].flatMap((process) => process.busyPlanIds());
    },
    start() {
      if (current?.accepting || deps.concurrency <= 0) return;
      generation += 1;
      current = createWorkerProcess(deps, `worker-${generation}`);
      all.add(current);
      current.start();
    },
    shutdown(options = {}) {
      const process = current;
      if (!process) return Promise.resolve({ finished: [], interrupted: [] });
      return process.shutdown(options.graceMs ?? 10_000).then((result) => {
        all.delete(process);
        return result;
      });
    },
    kick: () => current?.kick(),
    release: (planId) => {
      for (const process of all) process.release(planId);
    },
    halt() {
      for (const process of all) process.halt();
      all.clear();
      current = undefined;
    },
  };
  return service;
}
