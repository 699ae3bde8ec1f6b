import type { ChildProcess } from "node:child_process";

const guarded = new Set<ChildProcess>();

function killAll(): void {
  for (const child of guarded) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

function onSignal(signal: NodeJS.Signals): void {
  // The host handles the signal itself (e.g. the CLI stops the emulator gracefully on Ctrl-C).
  if (process.listenerCount(signal) > 1) return;
  // Nobody else does: kill the children, then let the signal terminate us as it would have.
  killAll();
  uninstall();
  process.kill(process.pid, signal);
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
 * Makes sure no child outlives this process: on `exit` every guarded child still
 * alive gets SIGKILL; on SIGINT / SIGTERM too, then the signal terminates the
 * process as usual, unless the host has its own handler (then the host stops the
 * emulator, gracefully). Children also exit by themselves when their IPC channel
 * closes, which covers a SIGKILLed parent.
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
