import { timerDurationProblem } from "../../time/duration.js";
import { usageError } from "../exit-codes.js";

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * Parses a duration as typed on a command line: `1500ms`, `30s`, `2m`, `1h`, or a
 * bare number of seconds. `undefined` when it is not one.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? "s") as keyof typeof UNIT_MS;
  return Math.round(Number(match[1]) * UNIT_MS[unit]);
}

/**
 * The value of duration flag `--name` in ms, or a usage error that says what to give:
 * not a duration, zero (unless `zero`), or longer than a timer can wait (the one
 * rule, `timerDurationProblem`: such a timer would fire at once). `fallback` when absent.
 */
export function durationFlag(
  command: string,
  name: string,
  text: string | undefined,
  fallback: number,
  options: { example?: string; zero?: boolean } = {},
): number {
  if (text === undefined) return fallback;
  const example = options.example ?? "30s, 2m or 1500ms";
  const ms = parseDuration(text);
  if (ms === undefined || (options.zero ? ms < 0 : ms <= 0))
    throw usageError(
      command,
      `--${name} must be a duration like ${example}, got ${JSON.stringify(text)}`,
    );
  const tooLong = timerDurationProblem(ms);
  if (tooLong)
    throw usageError(command, `--${name} ${text} ${tooLong}; give a duration like ${example}`);
  return ms;
}

/** `90000` → `"1m 30s"`, `4000` → `"4s"`, `0` → `"0s"`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}
