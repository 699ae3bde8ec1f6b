import { usageError } from "../exit-codes.js";

/** A whole number option in `[min, max]` (`fallback` when absent), or a usage error. */
export function intOption(
  command: string,
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw usageError(command, `--${name} must be a whole number from ${min} to ${max}`);
  return n;
}
