import { raceSignal } from "./signals.js";

/** What bounds one read of a body: a signal, and how to release it after the read. */
export interface ReadBound {
  signal: AbortSignal;
  dispose(): void;
}

/** Options of {@link readAll}. */
export interface ReadAllOptions {
  /** Most bytes accepted; once more arrive, reading stops, the body is cancelled and `tooLarge` is thrown. @default Infinity */
  maxBytes?: number;
  /** The error thrown past `maxBytes`, given the size read so far (including the chunk that crossed it). */
  tooLarge?: (size: number) => Error;
}

/**
 * Reads a whole body into one byte array. The reads are bounded either by one
 * signal for the whole body (one race for all chunks, no per-chunk cost) or by a
 * fresh {@link ReadBound} per read (an idle timeout that restarts per chunk). Past
 * `maxBytes` it stops without keeping the chunk that crossed the limit. On failure
 * the body is cancelled so the connection is released.
 */
export async function readAll(
  body: ReadableStream<Uint8Array>,
  bound: AbortSignal | (() => ReadBound),
  options: ReadAllOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  let size = 0;
  const drain = async () => {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      if (typeof bound === "function") {
        const each = bound();
        try {
          step = await raceSignal(reader.read(), each.signal);
        } finally {
          each.dispose();
        }
      } else {
        step = await reader.read();
      }
      if (step.done) return;
      size += step.value.byteLength;
      if (size > maxBytes)
        throw options.tooLarge?.(size) ?? new RangeError(`body larger than ${maxBytes} bytes`);
      chunks.push(step.value);
    }
  };
  try {
    await (typeof bound === "function" ? drain() : raceSignal(drain(), bound));
  } catch (error) {
    reader.cancel(error).catch(() => {});
    throw error;
  }
  if (chunks.length === 1) {
    const only = chunks[0] as Uint8Array;
    // A chunk over a whole buffer of its own is handed on as is; anything else is copied once.
    if (
      only.byteOffset === 0 &&
      only.byteLength === only.buffer.byteLength &&
      only.buffer instanceof ArrayBuffer
    )
      return only as Uint8Array<ArrayBuffer>;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
