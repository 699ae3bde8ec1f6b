import type { ServerResponse } from "node:http";
import { type Clock, sleep } from "../time/clock.js";
import type { ChildHandle } from "./child-process.js";
import type { Upstream } from "./edge.js";
import { checkHealth } from "./health.js";

/** Where a replica is in its life. Only `healthy` replicas get traffic. */
export type ReplicaStatus = "starting" | "healthy" | "unhealthy" | "draining" | "exited";

/** A snapshot of one replica, as `emulator.replicas` reports it. */
export interface ReplicaInfo {
  id: string;
  pid: number;
  /** Its own port on 127.0.0.1 (behind the edge); `undefined` until it listens. */
  port: number | undefined;
  /** 0 for the replicas started first, +1 per deploy. */
  generation: number;
  status: ReplicaStatus;
}

interface Replica extends Upstream {
  readonly handle: ChildHandle;
  readonly generation: number;
  port: number;
  status: ReplicaStatus;
  probing: boolean;
  /** Failed health checks in a row. */
  failures: number;
}

/** Failed checks in a row before a healthy replica loses traffic: one slow answer on a busy machine is not an outage. */
const UNHEALTHY_AFTER = 3;

/** Options of {@link createReplicaPool}. */
export interface ReplicaPoolOptions {
  /** Starts one replica process with this id. */
  spawn(id: string): ChildHandle;
  healthIntervalMs: number;
  clock: Clock;
}

/**
 * The replicas behind the edge: starts them, health-checks them on an interval,
 * picks one round-robin for each request, and takes them out of rotation before
 * they stop. A replica that dies on its own is replaced (Railway's ON_FAILURE).
 */
export function createReplicaPool(options: ReplicaPoolOptions) {
  const { healthIntervalMs, clock } = options;
  const changes = createChanges();
  const probe = (replica: Replica) => probeReplica(replica, healthIntervalMs, clock, changes);
  const set = createReplicaSet(options.spawn, changes, probe);
  const stopChecks = repeat(clock, healthIntervalMs, () => {
    for (const replica of set.list) void probe(replica);
  });
  let next = 0;

  return {
    /** Starts `count` replicas of `generation` (they get traffic once healthy). */
    startGroup(count: number, generation: number): Replica[] {
      return Array.from({ length: count }, () => set.start(generation));
    },
    /** Resolves when every replica in `group` is healthy; rejects when one exits or `timeoutMs` passes. */
    waitHealthy: (group: Replica[], timeoutMs: number) =>
      waitHealthy(changes, group, timeoutMs, clock),
    /** The replicas that are not stopping. */
    current(): Replica[] {
      return set.list.filter(
        (replica) => replica.status !== "draining" && replica.status !== "exited",
      );
    },
    /** Takes replicas out of rotation at once (no new request reaches them). */
    drainTraffic(group: Replica[]): void {
      for (const replica of group)
        if (replica.status !== "exited") changes.setStatus(replica, "draining");
    },
    /** SIGTERM, SIGKILL after `graceMs`; open client connections through it are cut when it exits. */
    retire: set.retire,
    /** The next healthy replica, round-robin. */
    pick(): Upstream | undefined {
      const healthy = set.list.filter((replica) => replica.status === "healthy");
      if (healthy.length === 0) return undefined;
      next = (next + 1) % healthy.length;
      return healthy[next];
    },
    info: (): ReplicaInfo[] => set.list.map(infoOf),
    /** Every process id the pool has running. */
    pids: (): number[] => set.list.map((replica) => replica.handle.pid),
    /** Stops health checks and replacements, then terminates every replica. */
    async stop(graceMs: number): Promise<void> {
      set.stopReplacing();
      stopChecks();
      await Promise.all([...set.list].map((replica) => set.retire(replica, graceMs)));
    },
  };
}

/** Replicas' status changes, and who waits for them. */
function createChanges() {
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of [...listeners]) listener();
  };
  return {
    changed,
    setStatus(replica: Replica, status: ReplicaStatus) {
      if (replica.status === status) return;
      replica.status = status;
      changed();
    },
    /** Calls `listener` after every change until the returned function is called. */
    listen(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

type Changes = ReturnType<typeof createChanges>;

/** Runs `fn` every `ms` on the clock until the returned function is called. */
function repeat(clock: Clock, ms: number, fn: () => void): () => void {
  let cancelTimer: () => void = () => {};
  const tick = () => {
    fn();
    cancelTimer = clock.setTimer(tick, ms);
  };
  cancelTimer = clock.setTimer(tick, ms);
  return () => cancelTimer();
}

const checked = (status: ReplicaStatus) =>
  status === "starting" || status === "healthy" || status === "unhealthy";

/** One health check of `replica` (none while one runs, or before it listens); healthy, or unhealthy after enough failures. */
async function probeReplica(
  replica: Replica,
  healthIntervalMs: number,
  clock: Clock,
  changes: Changes,
): Promise<void> {
  if (!checked(replica.status) || replica.port === 0 || replica.probing) return;
  replica.probing = true;
  const ok = await checkHealth(replica.port, Math.max(1000, healthIntervalMs), clock);
  replica.probing = false;
  if (!checked(replica.status)) return;
  replica.failures = ok ? 0 : replica.failures + 1;
  if (ok) changes.setStatus(replica, "healthy");
  else if (replica.status !== "healthy" || replica.failures >= UNHEALTHY_AFTER)
    changes.setStatus(replica, "unhealthy");
}

/**
 * The replica processes: starts them (ids count up), replaces one that exits on
 * its own (up to Railway's retry limit) until `stopReplacing()`, retires them.
 */
function createReplicaSet(
  spawn: (id: string) => ChildHandle,
  changes: Changes,
  probe: (replica: Replica) => Promise<void>,
) {
  const list: Replica[] = [];
  const stopping = new AbortController();
  let counter = 0;
  let restarts = 0;

  function start(generation: number): Replica {
    const id = `replica-${++counter}`;
    const replica = newReplica(id, spawn(id), generation);
    list.push(replica);
    replica.handle.ready.then(
      (port) => {
        replica.port = port ?? 0;
        void probe(replica);
      },
      () => {},
    );
    replica.handle.exited.then(() => {
      const unexpected = replica.status !== "draining";
      changes.setStatus(replica, "exited");
      cut(replica);
      const index = list.indexOf(replica);
      if (index >= 0) list.splice(index, 1);
      // Railway's restartPolicyType ON_FAILURE with restartPolicyMaxRetries = 10.
      if (unexpected && !stopping.signal.aborted && restarts++ < 10) start(generation);
    });
    changes.changed();
    return replica;
  }

  async function retire(replica: Replica, graceMs: number) {
    if (replica.status !== "exited") changes.setStatus(replica, "draining");
    const { killed } = await replica.handle.terminate(graceMs);
    return { id: replica.id, pid: replica.handle.pid, killed };
  }

  return { list, start, retire, stopReplacing: () => stopping.abort() };
}

function newReplica(id: string, handle: ChildHandle, generation: number): Replica {
  return {
    id,
    handle,
    generation,
    port: 0,
    status: "starting",
    probing: false,
    failures: 0,
    connections: new Set<ServerResponse>(),
  };
}

function cut(replica: Replica): void {
  for (const res of replica.connections) res.destroy();
  replica.connections.clear();
}

function infoOf(replica: Replica): ReplicaInfo {
  return {
    id: replica.id,
    pid: replica.handle.pid,
    port: replica.port === 0 ? undefined : replica.port,
    generation: replica.generation,
    status: replica.status,
  };
}

function waitHealthy(
  changes: Changes,
  group: Replica[],
  timeoutMs: number,
  clock: Clock,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = new AbortController();
    const done = (error?: Error) => {
      unlisten();
      timer.abort();
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      const dead = group.find((replica) => replica.status === "exited");
      if (dead)
        done(new Error(`${dead.id} exited before it was healthy: ${dead.handle.stderrTail()}`));
      else if (group.every((replica) => replica.status === "healthy")) done();
    };
    const unlisten = changes.listen(check);
    sleep(timeoutMs, { clock, signal: timer.signal }).then(
      () => done(new Error(`Replicas not healthy after ${timeoutMs} ms`)),
      () => {},
    );
    check();
  });
}

/** The replica pool {@link createReplicaPool} returns. */
export type ReplicaPool = ReturnType<typeof createReplicaPool>;
export type { Replica };
