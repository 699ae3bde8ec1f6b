import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createUtf8Text } from "../../src/sse/connection.js";

const encode = (text: string) => new TextEncoder().encode(text);
const BOM = [0xef, 0xbb, 0xbf];

/** What one streaming TextDecoder makes of the same reads: the reference. */
function reference(reads: Uint8Array[]): string {
  const decoder = new TextDecoder();
  return reads.map((r) => decoder.decode(r, { stream: true })).join("") + decoder.decode();
}

function throughUtf8Text(reads: Uint8Array[]): string {
  const text = createUtf8Text();
  return reads.map((r) => text.decode(r)).join("") + text.end();
}

/** `bytes` cut at the given offsets, empty reads included. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const at = offsets.map((o) => o % (bytes.length + 1)).sort((a, b) => a - b);
  const reads: Uint8Array[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    reads.push(bytes.subarray(from, Math.max(from, to)));
    from = Math.max(from, to);
  }
  return reads;
}

/** Stream bytes: ASCII, multi-byte characters, BOMs anywhere, and bytes that are not UTF-8. */
const byteRun = fc.oneof(
  fc.string({ maxLength: 8 }).map(encode),
  fc.constantFrom("é", "€", "😀", "\uFEFF", "data: ä\n\n").map(encode),
  fc
    .constantFrom([0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x80], [0xed, 0xa0, 0x80], BOM)
    .map((b) => new Uint8Array(b)),
);
const stream = fc.array(byteRun, { maxLength: 12 }).map((runs) => {
  const bytes = new Uint8Array(runs.reduce((n, r) => n + r.length, 0));
  let offset = 0;
  for (const run of runs) {
    bytes.set(run, offset);
    offset += run.length;
  }
  return bytes;
});

describe("createUtf8Text", () => {
  it("gives the text one streaming TextDecoder gives, however the bytes are cut", () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), (bytes, offsets) => {
        const reads = cut(bytes, offsets);
        expect(throughUtf8Text(reads)).toBe(reference(reads));
      }),
      { numRuns: 2_000 },
    );
  });

  it("drops the stream's leading BOM once, also when it arrives split, and keeps a later one", () => {
    const reads = [new Uint8Array([0xef]), new Uint8Array([0xbb, 0xbf, 0x61]), encode("\uFEFFb")];
    expect(throughUtf8Text(reads)).toBe("a\uFEFFb");
    expect(throughUtf8Text([new Uint8Array([...BOM, 0x61]), encode("b")])).toBe("ab");
    expect(throughUtf8Text([encode("x\n"), new Uint8Array([...BOM, 0x79])])).toBe("x\n\uFEFFy");
  });

  it("joins a character split across reads, and ends an unfinished one as U+FFFD", () => {
    const euro = encode("€ok");
    expect(throughUtf8Text([encode("a"), euro.subarray(0, 1), euro.subarray(1)])).toBe("a€ok");
    expect(throughUtf8Text([encode("a"), euro.subarray(0, 2)])).toBe("a\uFFFD");
  });
});
