import { describe, expect, it } from "vitest";
import { pyFloat, pyJsonDumps, pyRound1 } from "../../src/server/python-json.js";

// Expected strings are what CPython 3 prints for the same values.
describe("Python json.dumps bytes", () => {
  it("writes floats as Python's repr does", () => {
    const cases: [number, string][] = [
      [0, "0.0"],
      [-0, "-0.0"],
      [1, "1.0"],
      [42.5, "42.5"],
      [0.1 + 0.2, "0.30000000000000004"],
      [123456789, "123456789.0"],
      [1e-5, "1e-05"],
      [1.5e-7, "1.5e-07"],
      [0.0001, "0.0001"],
      [1e16, "1e+16"],
      [1.25e22, "1.25e+22"],
      [Number.NaN, "NaN"],
      [Number.POSITIVE_INFINITY, "Infinity"],
    ];
    for (const [value, python] of cases) expect(pyFloat(value)).toBe(python);
  });

  it("rounds to one decimal as round(x, 1) does, exact ties to even", () => {
    const cases: [number, number][] = [
      [3.04, 3.0],
      [24.06, 24.1],
      [1237.55, 1237.5],
      [0.25, 0.2],
      [0.75, 0.8],
      [2.675, 2.7],
      [0.05, 0.1],
      [0.45, 0.5],
    ];
    for (const [value, python] of cases) expect(pyRound1(value)).toBe(python);
  });

  it("uses ', ' and ': ' separators and escapes everything outside printable ASCII", () => {
    expect(
      pyJsonDumps({ a: 1, s: 'é\u007f\u2028😀"\\\n\t\u0001', nested: { ok: true, none: null } }),
    ).toBe(
      '{"a": 1.0, "s": "\\u00e9\\u007f\\u2028\\ud83d\\ude00\\"\\\\\\n\\t\\u0001", "nested": {"ok": true, "none": null}}',
    );
  });
});
