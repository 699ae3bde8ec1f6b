import { closeSync, openSync, readSync } from "node:fs";

/**
 * The first `maxBytes` of a file as UTF-8, and whether there was more: a careless
 * path (`/dev/zero`, a log) is never read whole. Throws the file system's error.
 */
export function readFileHead(path: string, maxBytes: number): { text: string; more: boolean } {
  const buffer = Buffer.alloc(maxBytes + 1);
  const fd = openSync(path, "r");
  try {
    let size = 0;
    for (;;) {
      const read = readSync(fd, buffer, size, buffer.length - size, null);
      if (read === 0) break;
      size += read;
      if (size === buffer.length) break;
    }
    return {
      text: buffer.subarray(0, Math.min(size, maxBytes)).toString("utf8"),
      more: size > maxBytes,
    };
  } finally {
    closeSync(fd);
  }
}
