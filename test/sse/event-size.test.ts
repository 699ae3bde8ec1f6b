import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEventSizeGuard } from "../../src/sse/connection.js";

// The plain byte-by-byte reading of the rule, kept here as the oracle.
function referenceGuard(maxBytes: number): { push(chunk: Uint8Array): number } {
  let blockBytes = 0;
  let lineBytes = 0;
  let afterCR = false;
  return {
    push(chunk) {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i] as number;
        if (byte === 0x0a && afterCR) {
          afterCR = false;
          continue;
        }
        afterCR = byte === 0x0d;
        if (byte === 0x0a || byte === 0x0d) {
          blockBytes = lineBytes === 0 ? 0 : blockBytes + lineBytes + 1;
          lineBytes = 0;
        } else if (blockBytes + ++lineBytes > maxBytes) return i;
      }
      return -1;
    },
  };
}

/** Feeds `chunks` to the guard and to the reference; both must flag the same byte, or none. */
function expectSameAsReference(chunks: number[][], max: number): void {
  const fast = createEventSizeGuard(max);
  const slow = referenceGuard(max);
  for (const chunk of chunks) {
    const data = Uint8Array.from(chunk);
    const expected = slow.push(data);
    expect(fast.push(data)).toBe(expected);
    if (expected !== -1) return;
  }
}

const bytes = fc.array(
  fc.oneof(fc.constantFrom(0x0a, 0x0d, 0x61), fc.integer({ min: 0, max: 255 })),
  { maxLength: 120 },
);

describe("the event size guard", () => {
  it("flags the same byte as the byte-by-byte rule, for any bytes split any way", () => {
    fc.assert(
      fc.property(
        fc.array(bytes, { maxLength: 8 }),
        fc.integer({ min: 1, max: 40 }),
        expectSameAsReference,
      ),
      { numRuns: 2000 },
    );
  });

  it("flags the same byte when the last blank line is further from a chunk's end than the guard looks", () => {
    // Long lines (runs of "a" up to 3,000 bytes) put the last blank line kilobytes back.
    const longRun = fc.integer({ min: 0, max: 3_000 }).map((n) => new Array<number>(n).fill(0x61));
    const chunk = fc.array(fc.oneof(bytes, longRun), { maxLength: 6 }).map((p) => p.flat());
    fc.assert(
      fc.property(
        fc.array(chunk, { maxLength: 5 }),
        fc.integer({ min: 1, max: 12_000 }),
        expectSameAsReference,
      ),
      { numRuns: 400 },
    );
  });

  it("lets a PlanExe stream of small events through and stops a 70 KiB one at the limit", () => {
    const guard = createEventSizeGuard(65_536);
    const small = new TextEncoder().encode(
      'event: status\r\ndata: {"state": "processing"}\r\n\r\n',
    );
    for (let i = 0; i < 1000; i++) expect(guard.push(small)).toBe(-1);
    const big = new TextEncoder().encode(`data: ${"x".repeat(70_000)}\n\n`);
    expect(guard.push(big)).toBe(65_536);
  });
});
