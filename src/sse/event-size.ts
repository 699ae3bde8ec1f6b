const LF = 0x0a;
const CR = 0x0d;

/**
 * Counts the bytes of the SSE block (one event: its lines up to the blank line)
 * as they arrive, so an oversize event is caught before it is decoded or buffered.
 * `push` returns the offset in `chunk` of the first byte over `maxBytes`, or -1.
 * Line endings may be CR, LF or CRLF, split across chunks.
 */
export function createEventSizeGuard(maxBytes: number): { push(chunk: Uint8Array): number } {
  let blockBytes = 0;
  let lineBytes = 0;
  let afterCR = false;
  return {
    push(chunk) {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i] as number;
        if (byte === LF && afterCR) {
          afterCR = false;
          continue;
        }
        afterCR = byte === CR;
        if (byte === LF || byte === CR) {
          blockBytes = lineBytes === 0 ? 0 : blockBytes + lineBytes + 1;
          lineBytes = 0;
        } else if (blockBytes + ++lineBytes > maxBytes) {
          return i;
        }
      }
      return -1;
    },
  };
}
