const LF = 0x0a;
const CR = 0x0d;

/**
 * Counts the bytes of the SSE block (one event: its lines up to the blank line)
 * as they arrive, so an oversize event is caught before it is decoded or buffered.
 * `push` returns the offset in `chunk` of the first byte over `maxBytes`, or -1.
 * Line endings may be CR, LF or CRLF, split across chunks. It jumps from line end
 * to line end with the native `indexOf`, so a 16 KiB chunk costs a few calls, not
 * 16,384 steps of a JavaScript loop.
 */
export function createEventSizeGuard(maxBytes: number): { push(chunk: Uint8Array): number } {
  let blockBytes = 0;
  let lineBytes = 0;
  let afterCR = false;
  return {
    push(chunk) {
      let nextLF = -2;
      let nextCR = -2;
      let i = 0;
      while (i < chunk.length) {
        if (afterCR && chunk[i] === LF) {
          afterCR = false;
          i++;
          continue;
        }
        if (nextLF !== -1 && nextLF < i) nextLF = chunk.indexOf(LF, i);
        if (nextCR !== -1 && nextCR < i) nextCR = chunk.indexOf(CR, i);
        const end = nextLF === -1 ? nextCR : nextCR === -1 ? nextLF : Math.min(nextLF, nextCR);
        const lineEnd = end === -1 ? chunk.length : end;
        const room = maxBytes - blockBytes - lineBytes;
        if (lineEnd > i && lineEnd - i > room) return i + Math.max(0, room);
        lineBytes += lineEnd - i;
        if (end === -1) {
          afterCR = false;
          return -1;
        }
        afterCR = chunk[end] === CR;
        blockBytes = lineBytes === 0 ? 0 : blockBytes + lineBytes + 1;
        lineBytes = 0;
        i = end + 1;
      }
      return -1;
    },
  };
}
