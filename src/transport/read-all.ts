import { raceSignal } from "./signals.js";

/** What bounds one read of a body: a signal, and how to release it after the read. */
export interface ReadBound {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * Reads a whole body into one byte array. Each read is bounded by a fresh
 * {@link ReadBound} (a fixed signal, or an idle timeout that restarts per chunk);
 * on failure the body is cancelled so the connection is released.
 */
export async function readAll(
  body: ReadableStream<Uint8Array>,
  nextBound: () => ReadBound,
): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const bound = nextBound();
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await raceSignal(reader.read(), bound.signal);
      } finally {
        bound.dispose();
      }
      if (step.done) break;
      chunks.push(step.value);
      size += step.value.byteLength;
    }
  } catch (error) {
    reader.cancel(error).catch(() => {});
    throw error;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
