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
  const { spawn, healthIntervalMs, clock } = options;
  const replicas: Replica[] = [];
  const listeners = new Set<() => void>();
  const stopping = new AbortController();
  let next = 0;
  let counter = 0;
  let restarts = 0;
  let cancelTimer: () => void = () => {};

  const changed = () => {
    for (const listener of [...listeners]) listener();
  };
  const setStatus = (replica: Replica, status: ReplicaStatus) => {
    if (replica.status === status) return;
    replica.status = status;
    changed();
  };

  const checked = (status: ReplicaStatus) =>
    status === "starting" || status === "healthy" || status === "unhealthy";

  async function probe(replica: Replica): Promise<void> {
    if (!checked(replica.status) || replica.port === 0 || replica.probing) return;
    replica.probing = true;
    const ok = await checkHealth(replica.port, Math.max(1000, healthIntervalMs), clock);
    replica.probing = false;
    if (!checked(replica.status)) return;
    replica.failures = ok ? 0 : replica.failures + 1;
    if (ok) setStatus(replica, "healthy");
    else if (replica.status !== "healthy" || replica.failures >= UNHEALTHY_AFTER)
      setStatus(replica, "unhealthy");
  }

  const tick = () => {
    for (const replica of replicas) void probe(replica);
    cancelTimer = clock.setTimer(tick, healthIntervalMs);
  };
  cancelTimer = clock.setTimer(tick, healthIntervalMs);

  function cut(replica: Replica): void {
    for (const res of replica.connections) res.destroy();
    replica.connections.clear();
  }

  function start(generation: number): Replica {
    const id = `replica-${++counter}`;
    const handle = spawn(id);
    const replica: Replica = {
      id,
      handle,
      generation,
      port: 0,
      status: "starting",
      probing: false,
      failures: 0,
      connections: new Set<ServerResponse>(),
    };
    replicas.push(replica);
    handle.ready.then(
      (port) => {
        replica.port = port ?? 0;
        void probe(replica);
      },
      () => {},
    );
    handle.exited.then(() => {
      const unexpected = replica.status !== "draining";
      setStatus(replica, "exited");
      cut(replica);
      const index = replicas.indexOf(replica);
      if (index >= 0) replicas.splice(index, 1);
      // Railway's restartPolicyType ON_FAILURE with restartPolicyMaxRetries = 10.
      if (unexpected && !stopping.signal.aborted && restarts++ < 10) start(generation);
    });
    changed();
    return replica;
  }

  /** Resolves when every replica in `group` is healthy; rejects when one exits or `timeoutMs` passes. */
  function waitHealthy(group: Replica[], timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = new AbortController();
      const done = (error?: Error) => {
        listeners.delete(check);
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
      listeners.add(check);
      sleep(timeoutMs, { clock, signal: timer.signal }).then(
        () => done(new Error(`Replicas not healthy after ${timeoutMs} ms`)),
        () => {},
      );
      check();
    });
  }

  async function retire(replica: Replica, graceMs: number) {
    if (replica.status !== "exited") setStatus(replica, "draining");
    const { killed } = await replica.handle.terminate(graceMs);
    return { id: replica.id, pid: replica.handle.pid, killed };
  }

  return {
    /** Starts `count` replicas of `generation` (they get traffic once healthy). */
    startGroup(count: number, generation: number): Replica[] {
      return Array.from({ length: count }, () => start(generation));
    },
    waitHealthy,
    /** The replicas that are not stopping. */
    current(): Replica[] {
      return replicas.filter(
        (replica) => replica.status !== "draining" && replica.status !== "exited",
      );
    },
    /** Takes replicas out of rotation at once (no new request reaches them). */
    drainTraffic(group: Replica[]): void {
      for (const replica of group) if (replica.status !== "exited") setStatus(replica, "draining");
    },
    /** SIGTERM, SIGKILL after `graceMs`; open client connections through it are cut when it exits. */
    retire,
    /** The next healthy replica, round-robin. */
    pick(): Upstream | undefined {
      const healthy = replicas.filter((replica) => replica.status === "healthy");
      if (healthy.length === 0) return undefined;
      next = (next + 1) % healthy.length;
      return healthy[next];
    },
    info(): ReplicaInfo[] {
      return replicas.map((replica) => ({
        id: replica.id,
        pid: replica.handle.pid,
        port: replica.port === 0 ? undefined : replica.port,
        generation: replica.generation,
        status: replica.status,
      }));
    },
    /** Every process id the pool has running. */
    pids(): number[] {
      return replicas.map((replica) => replica.handle.pid);
    },
    /** Stops health checks and replacements, then terminates every replica. */
    async stop(graceMs: number): Promise<void> {
      stopping.abort();
      cancelTimer();
      await Promise.all([...replicas].map((replica) => retire(replica, graceMs)));
    },
  };
}

/** The replica pool {@link createReplicaPool} returns. */
export type ReplicaPool = ReturnType<typeof createReplicaPool>;
export type { Replica };
