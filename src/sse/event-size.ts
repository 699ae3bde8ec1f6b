const LF = 0x0a;
const CR = 0x0d;

/**
 * Counts the bytes of the SSE block (one event: its lines up to the blank line)
 * as they arrive, so an oversize event is caught before it is decoded or buffered.
 * `push` returns the offset in `chunk` of the first byte over `maxBytes`, or -1.
 * Line endings may be CR, LF or CRLF, split across chunks.
 *
 * It jumps from line end to line end with the native `indexOf`. And when the whole
 * chunk cannot take the current block over the limit (each byte adds at most one),
 * it skips to the chunk's last blank line and counts only what follows it: a 16 KiB
 * read of small events costs a look at its last event, not a few searches per event.
 */
export function createEventSizeGuard(maxBytes: number): { push(chunk: Uint8Array): number } {
  let blockBytes = 0;
  let lineBytes = 0;
  let afterCR = false;

  const scan = (chunk: Uint8Array, from: number): number => {
    let nextLF = -2;
    let nextCR = -2;
    let i = from;
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
  };

  return {
    push(chunk) {
      if (blockBytes + lineBytes + chunk.length <= maxBytes) {
        const blank = lastBlankLineEnd(chunk);
        if (blank !== -1) {
          // Nothing before it can overflow; after it a new block starts from zero.
          blockBytes = 0;
          lineBytes = 0;
          afterCR = chunk[blank] === CR;
          return scan(chunk, blank + 1);
        }
      }
      return scan(chunk, 0);
    },
  };
}

/** How far back from a chunk's end the blank line is looked for (events are a few hundred bytes). */
const BLANK_LINE_LOOKBACK = 2_048;

/**
 * The index of the line end that ends the chunk's last empty line (a line end right
 * after another: LF LF, LF CR or CR CR; CR LF is one line end), or -1 when there is
 * none within {@link BLANK_LINE_LOOKBACK} bytes of the end (the caller then scans the
 * chunk from its start, which is always right). A loop over the last few bytes: the
 * blank line is usually within one event of the end, and a native search for a CR
 * that a stream never sends would read the whole chunk.
 */
function lastBlankLineEnd(chunk: Uint8Array): number {
  const stop = Math.max(1, chunk.length - BLANK_LINE_LOOKBACK);
  for (let end = chunk.length - 1; end >= stop; end--) {
    const byte = chunk[end];
    if (byte !== LF && byte !== CR) continue;
    const before = chunk[end - 1];
    if (before === LF || (before === CR && byte === CR)) return end;
  }
  return -1;
}
