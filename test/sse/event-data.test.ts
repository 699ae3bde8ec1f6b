import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseEventData } from "../../src/sse/messages.js";

/** The outcome of parsing: the value with its key order and -0 kept, or "throws". */
function outcome(parse: (text: string) => unknown, text: string): unknown {
  try {
    const value = parse(text);
    return { value, keys: typeof value === "object" && value ? Object.keys(value) : [] };
  } catch {
    return "throws";
  }
}

const SNAPSHOT =
  '{"plan_id": "5f2b1c9e-8a4d-4e2f-9b7a-3c6d1e0f2a4b", "state": "processing", "progress_percentage": 12.5, "elapsed_sec": 3.0}';
const HEARTBEAT = '{"timestamp": "2026-01-01T00:00:27Z"}';

/** Text a server might send: PlanExe's shapes with values of every kind, and small edits of them. */
const jsonNumber = fc.oneof(
  fc.double().map((n) => (Number.isFinite(n) ? JSON.stringify(n) : "1e400")),
  fc.constantFrom(
    "-0",
    "0.0",
    "100.0",
    "1E5",
    "1e-7",
    "12345678901234567890.5",
    "01",
    "1.",
    ".5",
    "+1",
    "0x10",
    "Infinity",
    "NaN",
    "1_0",
    " 1",
  ),
);
const stringContent = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    "processing",
    "",
    "\\u0041",
    'a\\"b',
    "tab\there",
    "\u2028",
    "\ud800",
    "line\nbreak",
  ),
);
const quoted = stringContent.map((s) => `"${s}"`);
const snapshot = fc
  .tuple(quoted, quoted, jsonNumber, jsonNumber)
  .map(
    ([id, state, progress, elapsed]) =>
      `{"plan_id": ${id}, "state": ${state}, "progress_percentage": ${progress}, "elapsed_sec": ${elapsed}}`,
  );
const heartbeat = quoted.map((t) => `{"timestamp": ${t}}`);
/** One character inserted, removed or replaced anywhere. */
const edited = fc
  .tuple(
    fc.constantFrom(SNAPSHOT, HEARTBEAT),
    fc.nat(),
    fc.nat(2),
    fc.string({ minLength: 1, maxLength: 2 }),
  )
  .map(([text, at, how, insert]) => {
    const i = at % (text.length + 1);
    if (how === 0) return text.slice(0, i) + insert + text.slice(i);
    if (how === 1) return text.slice(0, i) + text.slice(i + 1);
    return text.slice(0, i) + insert + text.slice(i + 1);
  });

describe("parseEventData", () => {
  it("gives what JSON.parse gives (value, key order, -0, or a throw) for any text", () => {
    fc.assert(
      fc.property(fc.oneof(snapshot, heartbeat, edited, fc.json()), (text) => {
        expect(outcome(parseEventData, text)).toStrictEqual(outcome(JSON.parse, text));
      }),
      { numRuns: 5_000 },
    );
  });

  it("reads PlanExe's own status and heartbeat data", () => {
    expect(parseEventData(SNAPSHOT)).toStrictEqual({
      plan_id: "5f2b1c9e-8a4d-4e2f-9b7a-3c6d1e0f2a4b",
      state: "processing",
      progress_percentage: 12.5,
      elapsed_sec: 3,
    });
    expect(parseEventData(HEARTBEAT)).toStrictEqual({ timestamp: "2026-01-01T00:00:27Z" });
  });

  it("throws as JSON.parse does on data that is not JSON", () => {
    expect(() => parseEventData('{"plan_id": "a", "state": "b",')).toThrow(SyntaxError);
    expect(() => parseEventData('{"timestamp": "a\tb"}')).toThrow(SyntaxError);
  });
});
