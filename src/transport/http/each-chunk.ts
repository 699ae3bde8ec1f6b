import { raceSignal } from "../../time/signals.js";

/** What bounds one read of a body: a signal, and how to release it after the read. */
export interface ReadBound {
  signal: AbortSignal;
  dispose(): void;
}

/**
 * Hands each chunk of `body` to `onChunk` as it arrives (awaited, so a slow sink
 * slows the reading: memory stays flat). Each read is bounded by a fresh
 * {@link ReadBound}; on failure (of a read or of `onChunk`) the body is cancelled
 * so the connection is released.
 */
export async function forEachChunk(
  body: ReadableStream<Uint8Array>,
  nextBound: () => ReadBound,
  onChunk: (chunk: Uint8Array) => void | Promise<void>,
): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      const bound = nextBound();
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await raceSignal(reader.read(), bound.signal);
      } finally {
        bound.dispose();
      }
      if (step.done) return;
      await onChunk(step.value);
    }
  } catch (error) {
    reader.cancel(error).catch(() => {});
    throw error;
  }
}
