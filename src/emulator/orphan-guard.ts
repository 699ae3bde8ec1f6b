import type { ChildProcess } from "node:child_process";

const guarded = new Set<ChildProcess>();

function killAll(): void {
  for (const child of guarded) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  // This was the only handler: keep the signal's default (terminate) behaviour.
  if (process.listenerCount(signal) === 1) {
    uninstall();
    process.kill(process.pid, signal);
  }
}

function install(): void {
  process.on("exit", killAll);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

function uninstall(): void {
  process.off("exit", killAll);
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
}

/**
 * Makes sure no child outlives this process: on `exit`, SIGINT or SIGTERM every
 * guarded child still alive gets SIGKILL (then the signal's default action runs,
 * unless the host has its own handler). Children also exit by themselves when
 * their IPC channel closes, which covers a SIGKILLed parent.
 */
export function guardChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (guarded.size === 0) install();
  guarded.add(child);
  child.once("exit", () => {
    guarded.delete(child);
    if (guarded.size === 0) uninstall();
  });
}
