import { parseArgs } from "node:util";

/**
 * Reads `--name value` flags of a benchmark script, with defaults: a flag whose
 * default is a number must be a positive number, one whose default is a string is
 * taken as given. An unknown flag stops the run with a message saying what to pass.
 */
export function readFlags<T extends Record<string, number | string>>(
  defaults: T,
  argv = process.argv.slice(2),
): T {
  const options = Object.fromEntries(
    Object.keys(defaults).map((name) => [name, { type: "string" as const }]),
  );
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  const out: Record<string, number | string> = { ...defaults };
  for (const [name, raw] of Object.entries(values)) {
    if (typeof raw !== "string") continue;
    if (typeof defaults[name] === "string") {
      out[name] = raw;
      continue;
    }
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      throw new TypeError(`--${name} must be a positive number, got "${raw}"`);
    }
    out[name] = value;
  }
  return out as T;
}
