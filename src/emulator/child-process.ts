import { type ChildProcess, fork } from "node:child_process";
import { type Clock, sleep, systemClock } from "../time/clock.js";
import { childEntry } from "./child-entry.js";
import { CHILD_CONFIG_ENV, type ChildConfig, type ChildMessage } from "./child-protocol.js";

/** How a child process ended. */
interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running replica or worker process. */
export interface ChildHandle {
  readonly id: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves with the replica's port once it listens (`undefined` for the worker); rejects if it dies first. */
  readonly ready: Promise<number | undefined>;
  readonly exited: Promise<ChildExit>;
  readonly alive: boolean;
  /** SIGTERM, then SIGKILL when it is still alive after `graceMs`. Resolves once it has exited. */
  terminate(graceMs: number): Promise<{ killed: boolean }>;
  /** The last lines the child wrote to stderr (for error messages). */
  stderrTail(): string;
}

/** Starts `program` as a child process with an IPC channel; it exits when the channel closes. */
export function spawnChild(
  program: "replica-main" | "worker-main",
  config: ChildConfig,
  options: { clock?: Clock; onStderr?: (line: string) => void } = {},
): ChildHandle {
  const clock = options.clock ?? systemClock;
  const entry = childEntry(program);
  const child = fork(entry.file, [], {
    execArgv: entry.execArgv,
    env: { ...process.env, [CHILD_CONFIG_ENV]: JSON.stringify(config) },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    serialization: "json",
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not start ${program}`);
  const stderr = readStderr(child, options.onStderr);
  const life = watchExit(child);
  const ready = readyPort(child, config.id, life.exited, stderr);
  return {
    id: config.id,
    pid,
    process: child,
    ready,
    exited: life.exited,
    get alive() {
      return life.alive;
    },
    terminate: (graceMs) => terminate(child, life, graceMs, clock),
    stderrTail: stderr.tail,
  };
}

/** Splits the child's stderr into lines for `onStderr`, keeping the last 40 for error messages. */
function readStderr(child: ChildProcess, onStderr: ((line: string) => void) | undefined) {
  const tail: string[] = [];
  let pending = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      onStderr?.(line);
    }
  });
  return { tail: () => tail.join("\n") };
}

/** Whether the child still runs, and how it ended. */
function watchExit(child: ChildProcess): { readonly alive: boolean; exited: Promise<ChildExit> } {
  let alive = true;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("exit", (code, signal) => {
      alive = false;
      resolve({ code, signal });
    });
  });
  return {
    get alive() {
      return alive;
    },
    exited,
  };
}

/** The port the child's `ready` message names; rejects with its stderr when it exits first. */
function readyPort(
  child: ChildProcess,
  id: string,
  exited: Promise<ChildExit>,
  stderr: { tail(): string },
): Promise<number | undefined> {
  const ready = new Promise<number | undefined>((resolve, reject) => {
    child.on("message", (message: ChildMessage) => {
      if (message.type === "ready") resolve(message.port);
    });
    exited.then(({ code, signal }) =>
      reject(
        new Error(
          `${id} exited before it was ready (code ${code}, signal ${signal}): ${stderr.tail()}`,
        ),
      ),
    );
  });
  ready.catch(() => {});
  return ready;
}

/** SIGTERM, then SIGKILL when the child is still alive after `graceMs`. */
async function terminate(
  child: ChildProcess,
  life: { readonly alive: boolean; exited: Promise<ChildExit> },
  graceMs: number,
  clock: Clock,
): Promise<{ killed: boolean }> {
  if (!life.alive) return { killed: false };
  child.kill("SIGTERM");
  const controller = new AbortController();
  const timedOut = sleep(graceMs, { clock, signal: controller.signal }).then(
    () => true,
    () => false,
  );
  const first = await Promise.race([life.exited.then(() => false), timedOut]);
  controller.abort();
  if (first && life.alive) {
    child.kill("SIGKILL");
    await life.exited;
    return { killed: true };
  }
  await life.exited;
  return { killed: false };
}
