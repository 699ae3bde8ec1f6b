import { CHILD_CONFIG_ENV, type ChildConfig, type ChildMessage } from "./child-protocol.js";

/** The config the supervisor passed; exits with a clear message when run by hand. */
export function readChildConfig(program: string): ChildConfig {
  const raw = process.env[CHILD_CONFIG_ENV];
  if (!raw || !process.send) {
    process.stderr.write(
      `${program} is started by the emulator (startEmulator / planexe-client emulator), not by hand.\n`,
    );
    process.exit(2);
  }
  return JSON.parse(raw) as ChildConfig;
}

/** Tells the supervisor something over IPC (dropped when it is gone). */
export function tellSupervisor(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

/**
 * Wires the process's life to the supervisor's: `onTerm` runs once on SIGTERM
 * (or SIGINT, or when the IPC channel closes because the supervisor died), and
 * the process exits when it resolves, or at once on a second signal.
 */
export function onShutdown(onTerm: (reason: "signal" | "orphaned") => Promise<void>): void {
  let shuttingDown = false;
  const run = (reason: "signal" | "orphaned") => {
    if (shuttingDown) {
      process.exit(1);
    }
    shuttingDown = true;
    onTerm(reason).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => run("signal"));
  process.on("SIGINT", () => run("signal"));
  process.on("disconnect", () => run("orphaned"));
}
