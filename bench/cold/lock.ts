import { spawn } from "node:child_process";

/** A held `flock`; `release()` lets it go. */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Takes an exclusive `flock` on `path` (the lock every test run on this machine takes,
 * so no other agent's vitest run shares the CPU with a measurement) and holds it until
 * `release()`: a `flock` child that keeps the lock while it waits on its stdin.
 * Resolves once the lock is held.
 */
export function holdLock(path: string): Promise<HeldLock> {
  const child = spawn("flock", [path, "sh", "-c", "echo held; exec cat >/dev/null"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`flock ${path} exited (${code})`)));
    child.stdout.setEncoding("utf8").once("data", () => {
      child.removeAllListeners("exit");
      resolve({
        release: () =>
          new Promise<void>((done) => {
            child.once("exit", () => done());
            child.stdin.end();
          }),
      });
    });
  });
}
