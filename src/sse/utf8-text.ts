/**
 * Turns the stream's reads into text exactly as one streaming `TextDecoder` would
 * (a leading BOM dropped, a character split across reads joined, bad bytes as
 * U+FFFD), but faster: a read that ends on an ASCII byte while no bytes are held
 * over is decoded in one shot, which in Node is the native bulk path, several times
 * faster than `{ stream: true }` (see `docs/benchmarks.md`). Every read of an ASCII
 * stream, such as PlanExe's JSON, takes it.
 *
 * Why that is exact: the streaming decoder holds bytes only while a character is
 * incomplete, and an ASCII byte ends any such state (an unfinished character before
 * it becomes U+FFFD), so after a read that ends on one the decoder holds nothing and
 * a one-shot decode of the next such read gives the same text. The first read always
 * goes through the streaming decoder, which drops the stream's BOM; the one-shot
 * decoder keeps every BOM it sees, as the streaming one does after the start.
 */
export function createUtf8Text(): {
  /** The text `bytes` completes. */
  decode(bytes: Uint8Array): string;
  /** What is left at the end of the stream (U+FFFD for an unfinished character). */
  end(): string;
} {
  const streaming = new TextDecoder();
  const oneShot = new TextDecoder("utf-8", { ignoreBOM: true });
  // The streaming decoder has not seen the stream's start, or may hold part of a character.
  let viaStreaming = true;
  return {
    decode(bytes) {
      const endsOnAscii = bytes.length > 0 && (bytes[bytes.length - 1] as number) < 0x80;
      if (!viaStreaming && endsOnAscii) return oneShot.decode(bytes);
      const text = streaming.decode(bytes, { stream: true });
      if (bytes.length > 0) viaStreaming = !endsOnAscii;
      return text;
    },
    end: () => streaming.decode(),
  };
}
