/**
 * Today's PlanExe server writes each SSE `data:` line with Python's `json.dumps(data)`
 * at its defaults: `", "` and `": "` separators, `ensure_ascii=True` (every character
 * outside printable ASCII as a lowercase `\uXXXX` escape), and numbers that are Python
 * floats (`42.0`, not `42`; `1e-05`, not `0.00001`). These helpers reproduce those bytes.
 */

/** A JSON value as the stream's payloads use it; numbers are written as Python floats. */
export type PyJsonValue = string | number | boolean | null | { [key: string]: PyJsonValue };

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** `json.dumps(str)` with `ensure_ascii=True`: escapes `"`, `\` and anything outside space..`~`. */
function pyJsonString(value: string): string {
  const escaped = value.replace(/[\\"]|[^ -~]/g, (char) => {
    const short = SHORT_ESCAPES[char];
    if (short) return short;
    // One UTF-16 unit per match, so astral characters come out as a surrogate pair, as in Python.
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return `"${escaped}"`;
}

/** Python's `repr(float)`: shortest round-trip digits, `.0` on integers, exponent outside [1e-4, 1e16). */
export function pyFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    const text = String(value);
    return Number.isInteger(value) ? `${text}.0` : text;
  }
  // JS writes "1.5e-7" / "1e+21"; Python writes "1.5e-07" / "1e+21": a sign and at least two digits.
  const [mantissa = "", exponent = "0"] = value.toExponential().split("e");
  const sign = exponent.startsWith("-") ? "-" : "+";
  return `${mantissa}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
}

/** Python's `round(value, 1)`: correctly rounded, ties (only exact quarters can tie) to even. */
export function pyRound1(value: number): number {
  if (!Number.isFinite(value)) return value;
  if (Number.isInteger(value * 4) && !Number.isInteger(value * 2)) {
    const floor = Math.floor(value * 10);
    return (floor % 2 === 0 ? floor : floor + 1) / 10;
  }
  return Number(value.toFixed(1));
}

/** `json.dumps(value)` at Python's defaults, for the payload shapes of the progress stream. */
export function pyJsonDumps(value: PyJsonValue): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return pyFloat(value);
  if (typeof value === "string") return pyJsonString(value);
  const members = Object.entries(value).map(
    ([key, item]) => `${pyJsonString(key)}: ${pyJsonDumps(item)}`,
  );
  return `{${members.join(", ")}}`;
}
