// The state file's lock: a file created exclusively by the process that holds it,
// broken when older than a killed holder could have kept it.
import { closeSync, openSync, statSync, unlinkSync, writeSync } from "node:fs";

/** A lock file at `lockFile`; one older than `staleLockMs` belongs to a killed process and is broken. */
export function createFileLock(lockFile: string, staleLockMs: number) {
  function acquire(): void {
    const started = Date.now();
    for (;;) {
      try {
        const fd = openSync(lockFile, "wx");
        writeSync(fd, String(process.pid));
        closeSync(fd);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        breakIfStale();
        if (Date.now() - started > staleLockMs * 5)
          throw new Error(`State lock ${lockFile} is stuck`);
        // Locks are held for one small read and write: wait a millisecond, synchronously.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      }
    }
  }

  function release(): void {
    try {
      unlinkSync(lockFile);
    } catch {
      // Broken as stale by another process: nothing left to release.
    }
  }

  function breakIfStale(): void {
    try {
      if (Date.now() - statSync(lockFile).mtimeMs > staleLockMs) unlinkSync(lockFile);
    } catch {
      // Released meanwhile.
    }
  }

  return { acquire, release };
}

/** The lock {@link createFileLock} returns. */
export type FileLock = ReturnType<typeof createFileLock>;
