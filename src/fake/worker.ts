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

/** The worker's slots: which plan (and which run of it) each is running, and its step timer. */
function createSlots(count: number) {
  const slots: Slot[] = Array.from({ length: count }, () => ({}));
  const free = (slot: Slot) => {
    slot.cancel?.();
    slot.planId = slot.run = slot.cancel = undefined;
  };
  return {
    /** Fills the free slots in order with what `claim` gives until it gives nothing; `started` is told of each. */
    fill(claim: () => PlanRecord | undefined, started: (slot: Slot) => void) {
      for (const slot of slots) {
        if (slot.planId !== undefined) continue;
        const claimed = claim();
        if (!claimed) return;
        slot.planId = claimed.plan_id;
        slot.run = claimed.run;
        started(slot);
      }
    },
    busy: () => slots.filter((slot) => slot.planId !== undefined),
    find: (planId: string) => slots.find((s) => s.planId === planId),
    free,
    freeAll() {
      for (const slot of slots) free(slot);
    },
  };
}

/** Whether `plan` is still the run `run` this worker started (not stopped, retried or taken over). */
function isOurs(plan: PlanRecord, run: number | undefined, workerId: string): boolean {
  return plan.state === "processing" && plan.run === run && plan.worker_id === workerId;
}

/**
 * The pending plans, oldest first, listed once; `claim()` starts the next one this
 * worker wins (another worker sharing the store may take one first).
 */
function openQueue(store: PlanStore, workerId: string, clock: Clock) {
  const queue = store
    .list()
    .filter((plan) => plan.state === "pending")
    .sort((a, b) => a.queued_at - b.queued_at);
  let next = 0;
  return {
    claim(): PlanRecord | undefined {
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
          return after;
        }
      }
      return undefined;
    },
  };
}

/** Finishes the step the run `run` of `planId` is on, or fails it where a failure is scripted; the plan after. */
function finishCurrentStep(
  deps: WorkerDeps,
  planId: string,
  run: number | undefined,
  workerId: string,
): PlanRecord | undefined {
  const now = deps.clock.now();
  return deps.store.update(planId, (plan) => {
    if (!isOurs(plan, run, workerId)) return undefined;
    const failure = deps.scriptedFailure(plan);
    return failure ? failPlan(plan, failure, now) : finishStep(plan, now);
  });
}

/** Fails the run `run` of `planId` as a worker restart; true when it did. */
function interruptPlan(
  store: PlanStore,
  planId: string,
  run: number | undefined,
  workerId: string,
  now: number,
): boolean {
  const after = store.update(planId, (plan) =>
    isOurs(plan, run, workerId)
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
  return after?.state === "failed" && after.error?.message === WORKER_RESTART_MESSAGE;
}

/** Whether the worker takes plans, and the poll and kick timers that make it look at the queue. */
function createIntake(clock: Clock, pollMs: number, pickUp: () => void) {
  let accepting = true;
  let cancelPoll: (() => void) | undefined;
  let cancelKick: (() => void) | undefined;
  const poll = () => {
    pickUp();
    if (accepting && pollMs > 0) cancelPoll = clock.setTimer(poll, pollMs);
  };
  return {
    get accepting() {
      return accepting;
    },
    poll,
    kick() {
      if (!accepting || cancelKick) return;
      cancelKick = clock.setTimer(() => {
        cancelKick = undefined;
        pickUp();
      }, 0);
    },
    /** Stops taking plans and cancels both timers. */
    close() {
      accepting = false;
      cancelPoll?.();
      cancelKick?.();
      cancelKick = undefined;
    },
  };
}

/**
 * A shutdown's drain: started once, it collects the plans that finished and those
 * interrupted, and resolves once no plan runs.
 */
function createDrain(clock: Clock) {
  let drain:
    | { result: WorkerShutdownResult; resolve: (r: WorkerShutdownResult) => void }
    | undefined;
  let cancelGrace: (() => void) | undefined;
  let draining: Promise<WorkerShutdownResult> | undefined;
  return {
    get promise() {
      return draining;
    },
    /** Starts the drain; `begin` runs at once, with the drain in place. */
    start(begin: () => void): Promise<WorkerShutdownResult> {
      draining = new Promise((resolve) => {
        drain = { result: { finished: [], interrupted: [] }, resolve };
        begin();
      });
      return draining;
    },
    graceEndsIn(graceMs: number, interruptAll: () => void) {
      cancelGrace = clock.setTimer(interruptAll, graceMs);
    },
    finished: (planId: string) => drain?.result.finished.push(planId),
    interrupted: (planId: string) => drain?.result.interrupted.push(planId),
    /** Resolves the drain, if one runs and `idle`. */
    settleIf(idle: boolean) {
      if (!drain || !idle) return;
      cancelGrace?.();
      drain.resolve(drain.result);
    },
    cancelGrace: () => cancelGrace?.(),
  };
}

/**
 * Runs plans in the slots: claims pending plans into free slots, steps each on the
 * clock, and frees a slot when its run ends (`freed` then says so).
 */
function createRunner(
  deps: WorkerDeps,
  workerId: string,
  events: { finished(planId: string): void; freed(): void },
) {
  const { clock, store } = deps;
  const slots = createSlots(deps.concurrency);
  const runStep = (slot: Slot) => {
    slot.cancel = clock.setTimer(() => tick(slot), deps.stepMs);
  };

  const tick = (slot: Slot) => {
    const { planId, run } = slot;
    if (planId === undefined) return;
    const after = finishCurrentStep(deps, planId, run, workerId);
    if (after && isOurs(after, run, workerId)) return runStep(slot);
    slots.free(slot);
    if (after && after.run === run) events.finished(planId);
    events.freed();
  };

  return {
    slots,
    idle: () => slots.busy().length === 0,
    fill() {
      // One look at the queue for every free slot: listing copies every plan, and a
      // worker with hundreds of slots would otherwise copy them hundreds of times.
      let queue: ReturnType<typeof openQueue> | undefined;
      const claim = () => {
        queue ??= openQueue(store, workerId, clock);
        return queue.claim();
      };
      slots.fill(claim, runStep);
    },
    /** Fails every running plan as a worker restart; `interrupted` is told each one it failed. */
    interruptAll(interrupted: (planId: string) => void) {
      const now = clock.now();
      for (const slot of slots.busy()) {
        const planId = slot.planId as string;
        const run = slot.run;
        slots.free(slot);
        if (interruptPlan(store, planId, run, workerId, now)) interrupted(planId);
      }
    },
    /** A plan left `processing` elsewhere (stopped): free its slot now. */
    release(planId: string) {
      const slot = slots.find(planId);
      if (!slot) return;
      slots.free(slot);
      events.freed();
    },
  };
}

/** One worker process: its runner, its intake (poll and kick timers) and its drain. */
function createWorkerProcess(deps: WorkerDeps, workerId: string) {
  const pickUp = () => {
    if (intake.accepting) runner.fill();
  };
  const intake = createIntake(deps.clock, deps.pollMs, pickUp);
  const drain = createDrain(deps.clock);
  const runner = createRunner(deps, workerId, {
    finished: (planId) => drain.finished(planId),
    freed: () => {
      pickUp();
      drain.settleIf(runner.idle());
    },
  });
  const interruptAll = () => {
    runner.interruptAll(drain.interrupted);
    drain.settleIf(runner.idle());
  };

  return {
    get accepting() {
      return intake.accepting;
    },
    busyPlanIds: () => runner.slots.busy().map((slot) => slot.planId as string),
    start: intake.poll,
    kick: intake.kick,
    release: runner.release,
    shutdown(graceMs: number): Promise<WorkerShutdownResult> {
      if (drain.promise) return drain.promise;
      intake.close();
      return drain.start(() => {
        if (runner.idle()) return drain.settleIf(true);
        if (graceMs <= 0) return interruptAll();
        drain.graceEndsIn(graceMs, interruptAll);
      });
    },
    /** Stops every timer without touching plans (test teardown). */
    halt() {
      intake.close();
      drain.cancelGrace();
      runner.slots.freeAll();
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
