import { createHash, randomUUID } from "node:crypto";
import { type FileHandle, link, lstat, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { DownloadTarget } from "../../tools/download-target.js";
import { CliError } from "../exit-codes.js";

/** What {@link fileTarget} leaves behind. */
export interface SavedPath {
  path: string;
  bytes: number;
}

/**
 * Saves a download to `path` without trusting what is there: the body streams into
 * a new temporary file beside it (created exclusively, so never through a symlink),
 * hashed with node:crypto as it is written (memory stays flat), and is moved into
 * place only once it matched. An existing file (or symlink) at `path` is kept
 * unless `force`; with `force` the entry itself is replaced, never the file a
 * symlink points to.
 */
export function fileTarget(path: string, options: { force: boolean }): DownloadTarget<SavedPath> {
  return {
    async open() {
      const temp = join(dirname(path), `.${basename(path)}.${randomUUID()}.part`);
      const handle: FileHandle = await open(temp, "wx", 0o644);
      const hash = createHash("sha256");
      let bytes = 0;
      let closed = false;
      const close = async () => {
        if (closed) return;
        closed = true;
        await handle.close();
      };
      return {
        async write(chunk) {
          hash.update(chunk);
          for (let offset = 0; offset < chunk.byteLength; ) {
            const { bytesWritten } = await handle.write(chunk, offset);
            offset += bytesWritten;
          }
          bytes += chunk.byteLength;
        },
        async digest() {
          await close();
          return hash.digest("hex");
        },
        async commit() {
          await close();
          if (options.force) await rename(temp, path);
          else {
            // link() refuses an existing entry (a symlink included) where rename() would replace it.
            try {
              await link(temp, path);
            } catch (error) {
              await unlink(temp).catch(() => {});
              if ((error as NodeJS.ErrnoException).code === "EEXIST") throw existsError(path);
              throw error;
            }
            await unlink(temp);
          }
          return { path, bytes };
        },
        async discard() {
          await close().catch(() => {});
          await unlink(temp).catch(() => {});
        },
      };
    },
  };
}

/** Fails at once when `path` exists (a file, a directory, a symlink, even a dangling one) and `force` is off. */
export async function refuseExisting(path: string, force: boolean): Promise<void> {
  if (force) return;
  const found = await lstat(path).then(
    () => true,
    () => false,
  );
  if (found) throw existsError(path);
}

function existsError(path: string): CliError {
  return new CliError(`${path} already exists; pass --force to replace it`);
}
