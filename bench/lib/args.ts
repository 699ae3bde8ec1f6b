import { parseArgs } from "node:util";

/**
 * Reads `--name value` number flags of a benchmark script, with defaults; an
 * unknown flag or a non-number stops the run with a message saying what to pass.
 */
export function numberFlags<T extends Record<string, number>>(
  defaults: T,
  argv = process.argv.slice(2),
): T {
  const options = Object.fromEntries(
    Object.keys(defaults).map((name) => [name, { type: "string" as const }]),
  );
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  const out: Record<string, number> = { ...defaults };
  for (const [name, raw] of Object.entries(values)) {
    if (typeof raw !== "string") continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      throw new TypeError(`--${name} must be a positive number, got "${raw}"`);
    }
    out[name] = value;
  }
  return out as T;
}
