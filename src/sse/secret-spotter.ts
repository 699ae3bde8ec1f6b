import { mayHoldSecretPart, secretMarkLength } from "../errors/redact.js";

/**
 * Decides once per read, instead of once per event, whether the events a read
 * completes may hold a secret (and so need the per-event check and redaction). An event
 * is made of the text read since the last read that ended on a blank line (which
 * the parser has then dispatched all of), so: a read is suspect when its text holds a
 * secret's mark, or one split with the text before it (unless that ended on a blank
 * line, which no mark spans: secrets are header values, which hold no line break),
 * and it stays suspect until a read ends on a blank line. A stream without marks
 * (every ordinary progress stream) then costs a few native searches per read.
 */
export function createSecretSpotter(): {
  /** Call with each piece of text before it is parsed: true when events it completes may hold a secret. */
  read(text: string): boolean;
} {
  let carry = "";
  let pending = false;
  return {
    read(text) {
      const suspect =
        pending ||
        mayHoldSecretPart(text) ||
        (carry !== "" && mayHoldSecretPart(carry + text.slice(0, carry.length)));
      const blank = endsOnBlankLine(text);
      pending = suspect && !blank;
      const mark = secretMarkLength();
      carry = blank ? "" : lastChars(carry + text.slice(-mark), mark - 1);
      return suspect;
    },
  };
}

const LF = 10;
const CR = 13;

/** The text ends with an empty line ended by an LF (a trailing CR may wait for its LF: the parser holds it). */
function endsOnBlankLine(text: string): boolean {
  const n = text.length;
  if (text.charCodeAt(n - 1) !== LF) return false;
  const before = text.charCodeAt(n - 2);
  if (before === LF) return true;
  const third = text.charCodeAt(n - 3);
  return before === CR && (third === LF || third === CR);
}

function lastChars(text: string, count: number): string {
  return text.length > count ? text.slice(text.length - count) : text;
}
