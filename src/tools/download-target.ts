import type { Artifact } from "./schemas/plan-file-info.js";

/** What a {@link DownloadTarget} is told when a download attempt starts. */
interface DownloadStart {
  artifact: Artifact;
  /** The size `plan_file_info` announced: no more bytes than this are ever written. */
  download_size: number;
  content_type: string;
}

/**
 * Where a download's bytes go (`client.downloadTo`). The SDK fetches, cuts the
 * body at the announced `download_size` (`TOO_LARGE`), and checks the size and
 * the SHA-256 the target computes (`CHECKSUM_MISMATCH`); the target stores and
 * hashes. Each attempt at reading the body gets its own {@link DownloadAttempt}.
 */
export interface DownloadTarget<R> {
  open(start: DownloadStart): DownloadAttempt<R> | Promise<DownloadAttempt<R>>;
}

/** One attempt at reading the body into a {@link DownloadTarget}. */
export interface DownloadAttempt<R> {
  /** Stores the next chunk (the reading waits for it). */
  write(chunk: Uint8Array): void | Promise<void>;
  /** The body ended: the SHA-256 of everything written, as hex. */
  digest(): Promise<string>;
  /** The bytes matched what was announced: keep them. */
  commit(): Promise<R>;
  /** The attempt failed: drop what was written. Must not throw. */
  discard(): Promise<void>;
}

/**
 * Keeps the body in memory and hashes it with WebCrypto once it ended (runs in
 * browsers and edge runtimes). WebCrypto has no incremental digest, but the bytes
 * are held anyway, and never more than the announced size.
 */
export function memoryTarget(): DownloadTarget<Uint8Array> {
  return {
    open: () => {
      let chunks: Uint8Array[] = [];
      let size = 0;
      let bytes: Uint8Array<ArrayBuffer> | undefined;
      const whole = () => {
        if (bytes) return bytes;
        bytes = new Uint8Array(size);
        let offset = 0;
        for (const chunk of chunks) {
          bytes.set(chunk, offset);
          offset += chunk.byteLength;
        }
        chunks = [];
        return bytes;
      };
      return {
        write(chunk) {
          chunks.push(chunk);
          size += chunk.byteLength;
        },
        async digest() {
          const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", whole()));
          return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
        },
        commit: async () => whole(),
        async discard() {
          chunks = [];
          bytes = undefined;
        },
      };
    },
  };
}
