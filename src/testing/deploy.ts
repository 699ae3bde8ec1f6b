import type { DeployKind } from "../fake/index.js";
import type { Clock } from "../time/clock.js";
import { deferred } from "../time/deferred.js";
import type { ReplicaPool } from "./replica-pool.js";

/** Where a window is in its life. `cancelled`: the double closed before it finished. */
export type DeployWindowState = "scheduled" | "active" | "done" | "cancelled";

/** Options of `deploy.restart`. */
export interface RestartOptions {
  /** Clock time the window opens. @default now */
  at?: number;
  /** How long no replica serves and the edge answers 502. */
  windowMs: number;
  /**
   * Also restart the plan worker (a deploy of `worker_plan_database`): it drains per
   * proposal 80 at the window's start and takes plans again at its end. mcp_cloud
   * deploys leave the worker alone.
   * @default false
   */
  restartWorker?: boolean;
  /**
   * With `restartWorker`: how long the old worker may finish its running plan before
   * it is marked failed ("Worker restarted during execution. Use plan_retry to re-run.").
   * @default the world's default grace period
   */
  workerGraceMs?: number;
}

/** Options of `deploy.rolling`. */
export interface RollingOptions {
  /** Clock time the new replica starts taking traffic. @default now */
  at?: number;
  /** How long requests alternate between the old and the new replica. @default 30_000 */
  windowMs?: number;
  /**
   * The old replica drains when the window opens: its progress streams end with a
   * short `retry:` and it answers new stream requests with 503 (other requests it
   * still serves). `false` cuts its streams like a server without drain and lets it
   * take new ones. Streams still open on it when the window ends are cut either way.
   * @default true
   */
  drain?: boolean;
}

/** A scripted deploy window on the double's clock. */
export interface DeployWindow {
  readonly kind: DeployKind;
  /** Clock time the window opens. */
  readonly at: number;
  /** Clock time the window closes. */
  readonly endsAt: number;
  readonly state: DeployWindowState;
  /** The replica that serves after the window, once it is started. */
  readonly incomingReplica: number | undefined;
  /** Resolves when the window opens. */
  readonly started: Promise<void>;
  /** Resolves when the window has closed and the new replica serves alone. */
  readonly finished: Promise<void>;
}

/** Scripted deploys of the double; windows may not overlap. */
export interface DeployControls {
  /**
   * A restart deploy: for `windowMs` every request gets Railway's 502 page; streams
   * open when it starts are cut mid-body; afterwards a new replica serves.
   */
  restart(options: RestartOptions): DeployWindow;
  /**
   * A rolling deploy: no 502s; the old replica's streams are drained (or cut),
   * requests alternate between old and new replica for the window, then the old one
   * stops (cutting what is still open on it) and the new one serves alone.
   */
  rolling(options?: RollingOptions): DeployWindow;
  /** The window open now, if any. */
  readonly active: DeployWindow | undefined;
  /** Every window scripted so far, in the order they were scripted. */
  readonly timeline: readonly DeployWindow[];
}

/** How a restart with `restartWorker` reaches the plan worker. */
export interface WorkerControl {
  shutdown(graceMs: number | undefined): void;
  start(): void;
}

interface WindowRecord {
  kind: DeployKind;
  at: number;
  endsAt: number;
  state: DeployWindowState;
  incomingReplica: number | undefined;
  started: Promise<void>;
  finished: Promise<void>;
}

export interface DeployScheduler extends DeployControls {
  /** Cancels scheduled windows and their timers. */
  close(): void;
}

const DEFAULT_ROLLING_WINDOW_MS = 30_000;

/** What a window does to the replicas (and the worker) when it opens and when it closes. */
interface WindowHooks {
  open(record: WindowRecord): void;
  close(record: WindowRecord): void;
}

export function createDeployScheduler(
  clock: Clock,
  pool: ReplicaPool,
  worker: WorkerControl | undefined,
): DeployScheduler {
  const timers = createTimers(clock);
  const book = createWindowBook();

  const schedule = (
    kind: DeployKind,
    start: number | undefined,
    windowMs: number,
    hooks: WindowHooks,
  ): DeployWindow => {
    const now = clock.now();
    const begin = start ?? now;
    checkWindow(kind, begin, windowMs, now, book.timeline);
    const entry = newWindow(kind, begin, begin + windowMs);
    book.add(entry);
    const openNow = windowLife(entry, hooks, book, timers, clock);
    if (begin === now) openNow();
    else timers.at(begin, openNow);
    return entry.record;
  };

  return {
    restart(options) {
      const restartWorker = options.restartWorker ?? false;
      if (restartWorker && !worker)
        throw new TypeError("deploy.restart: restartWorker needs a world with a plan worker");
      const restarted = restartWorker ? worker : undefined;
      const hooks = restartHooks(pool, restarted, options.workerGraceMs);
      return schedule("restart", options.at, options.windowMs, hooks);
    },
    rolling(options = {}) {
      const windowMs = options.windowMs ?? DEFAULT_ROLLING_WINDOW_MS;
      return schedule("rolling", options.at, windowMs, rollingHooks(pool, options.drain ?? true));
    },
    get active() {
      return book.active?.record;
    },
    get timeline() {
      return book.timeline;
    },
    close() {
      timers.cancelAll();
      book.cancelAll();
    },
  };
}

/** Timers at clock times, all cancelled by `cancelAll()`. */
function createTimers(clock: Clock) {
  const cancels = new Set<() => void>();
  return {
    at(ms: number, fn: () => void) {
      const cancel = clock.setTimer(() => {
        cancels.delete(cancel);
        fn();
      }, ms - clock.now());
      cancels.add(cancel);
    },
    cancelAll() {
      for (const cancel of cancels) cancel();
      cancels.clear();
    },
  };
}

/** Throws the `TypeError` a window with these times deserves, if any. */
function checkWindow(
  kind: DeployKind,
  begin: number,
  windowMs: number,
  now: number,
  timeline: readonly WindowRecord[],
): void {
  if (!Number.isFinite(windowMs) || windowMs <= 0)
    throw new TypeError(
      `deploy.${kind}: windowMs must be a positive number of ms, got ${windowMs}`,
    );
  if (!Number.isFinite(begin) || begin < now)
    throw new TypeError(
      `deploy.${kind}: at (${begin}) is before the clock's now (${now}); omit it to start now`,
    );
  const end = begin + windowMs;
  const clash = timeline.find(
    (w) => (w.state === "scheduled" || w.state === "active") && begin < w.endsAt && w.at < end,
  );
  if (clash)
    throw new TypeError(
      `deploy.${kind}: overlaps the ${clash.kind} window [${clash.at}, ${clash.endsAt}); deploy windows may not overlap`,
    );
}

/** A window's record and what settles its `started` and `finished` promises. */
interface WindowEntry {
  record: WindowRecord;
  markStarted(): void;
  markFinished(): void;
}

function newWindow(kind: DeployKind, at: number, endsAt: number): WindowEntry {
  const started = deferred();
  const finished = deferred();
  const record: WindowRecord = {
    kind,
    at,
    endsAt,
    state: "scheduled",
    incomingReplica: undefined,
    started: started.promise,
    finished: finished.promise,
  };
  return { record, markStarted: () => started.resolve(), markFinished: () => finished.resolve() };
}

/** Every window scripted, those whose promises are not settled yet, and the one open now. */
function createWindowBook() {
  const timeline: WindowRecord[] = [];
  const settlers = new Map<WindowRecord, () => void>();
  let active: { record: WindowRecord; closeNow: () => void } | undefined;
  return {
    timeline,
    get active() {
      return active;
    },
    add({ record, markStarted, markFinished }: WindowEntry) {
      settlers.set(record, () => {
        markStarted();
        markFinished();
      });
      timeline.push(record);
    },
    opened(record: WindowRecord, closeNow: () => void) {
      active = { record, closeNow };
    },
    closed(record: WindowRecord) {
      if (active?.record === record) active = undefined;
      settlers.delete(record);
    },
    /** The double closed: windows not done are `cancelled`, their promises settled. */
    cancelAll() {
      for (const [record, settle] of settlers) {
        record.state = "cancelled";
        settle();
      }
      settlers.clear();
      active = undefined;
    },
  };
}

/** Opens and (once) closes the window `entry`: state, the book's active window, the hooks, the promises. Returns the opener. */
function windowLife(
  entry: WindowEntry,
  hooks: WindowHooks,
  book: ReturnType<typeof createWindowBook>,
  timers: ReturnType<typeof createTimers>,
  clock: Clock,
): () => void {
  const { record } = entry;
  let closed = false;
  const closeNow = () => {
    if (closed) return;
    closed = true;
    hooks.close(record);
    record.state = "done";
    book.closed(record);
    entry.markFinished();
  };
  return () => {
    // Back-to-back windows: the previous one's end timer may sort after this start.
    const previous = book.active;
    if (previous && previous.record.endsAt <= clock.now()) previous.closeNow();
    record.state = "active";
    book.opened(record, closeNow);
    hooks.open(record);
    entry.markStarted();
    timers.at(record.endsAt, closeNow);
  };
}

/** A restart: every replica stops (and `worker`, if given, drains) at the start; a fresh replica (and worker) at the end. */
function restartHooks(
  pool: ReplicaPool,
  worker: WorkerControl | undefined,
  workerGraceMs: number | undefined,
): WindowHooks {
  return {
    open() {
      pool.stopAll();
      worker?.shutdown(workerGraceMs);
    },
    close(record) {
      record.incomingReplica = pool.startFresh().id;
      worker?.start();
    },
  };
}

/** A rolling deploy: the new replica joins at the start; the old one leaves at the end. */
function rollingHooks(pool: ReplicaPool, drain: boolean): WindowHooks {
  let incoming: ReturnType<ReplicaPool["spawn"]> | undefined;
  return {
    open(record) {
      incoming = pool.beginRolling(drain).incoming;
      record.incomingReplica = incoming.id;
    },
    close() {
      if (incoming) pool.endRolling(incoming);
    },
  };
}
