import { raceSignal } from "../../time/signals.js";

/** Options of {@link readAll}. */
export interface ReadAllOptions {
  /** Most bytes accepted; once more arrive, reading stops, the body is cancelled and `tooLarge` is thrown. @default Infinity */
  maxBytes?: number;
  /** The error thrown past `maxBytes`, given the size read so far (including the chunk that crossed it). */
  tooLarge?: (size: number) => Error;
}

/**
 * Reads a whole body into one byte array, bounded by one signal for the whole body
 * (one race for all chunks, no per-chunk cost; a per-read idle bound is
 * `forEachChunk`'s). Past `maxBytes` it stops without keeping the chunk that
 * crossed the limit. On failure the body is cancelled so the connection is released.
 */
export async function readAll(
  body: ReadableStream<Uint8Array>,
  bound: AbortSignal,
  options: ReadAllOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  let size = 0;
  const drain = async () => {
    for (;;) {
      const step = await reader.read();
      if (step.done) return;
      size += step.value.byteLength;
      if (size > maxBytes)
        throw options.tooLarge?.(size) ?? new RangeError(`body larger than ${maxBytes} bytes`);
      chunks.push(step.value);
    }
  };
  try {
    await raceSignal(drain(), bound);
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
