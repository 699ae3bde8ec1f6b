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
      options.onStderr?.(line);
    }
  });
  let alive = true;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("exit", (code, signal) => {
      alive = false;
      resolve({ code, signal });
    });
  });
  const ready = new Promise<number | undefined>((resolve, reject) => {
    child.on("message", (message: ChildMessage) => {
      if (message.type === "ready") resolve(message.port);
    });
    exited.then(({ code, signal }) =>
      reject(
        new Error(
          `${config.id} exited before it was ready (code ${code}, signal ${signal}): ${tail.join("\n")}`,
        ),
      ),
    );
  });
  ready.catch(() => {});
  return {
    id: config.id,
    pid,
    process: child,
    ready,
    exited,
    get alive() {
      return alive;
    },
    async terminate(graceMs) {
      if (!alive) return { killed: false };
      child.kill("SIGTERM");
      const controller = new AbortController();
      const timedOut = sleep(graceMs, { clock, signal: controller.signal }).then(
        () => true,
        () => false,
      );
      const first = await Promise.race([exited.then(() => false), timedOut]);
      controller.abort();
      if (first && alive) {
        child.kill("SIGKILL");
        await exited;
        return { killed: true };
      }
      await exited;
      return { killed: false };
    },
    stderrTail: () => tail.join("\n"),
  };
}
