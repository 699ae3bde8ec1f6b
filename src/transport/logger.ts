// The SDK's one log: every line it writes is worded in `lineOf` below, prefixed, redacted
// (`errors/redact.ts`) and written at its level by `log()`. Call sites say what happened.
import { redact } from "../errors/redact.js";

/**
 * Where the SDK writes one line per notable event; any `console`-like object works,
 * and each method is optional: a level the logger lacks is skipped (`error` falls back
 * to `warn`). Lines carry no secret and no plan id. What goes where:
 * - `warn`: a request failed and is retried; a call made in a way PlanExe may not expect.
 * - `info`: an origin's outage episode began (down since when) and ended (back after how long);
 *   a lost rerun answer resent or confirmed.
 * - `debug`: each health probe while down; MCP connection events.
 */
export interface Logger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
  error?(message: string): void;
}

/** What the SDK logs. */
export type LogEvent =
  | {
      kind: "retry";
      method: string;
      /** Redacted already (`redactUrl`). */
      url: string;
      failure: string;
      attempt: number;
      delayMs: number;
    }
  | { kind: "down"; origin: string; since: number; probeUrl: string | undefined; everyMs: number }
  | { kind: "probe"; origin: string; probe: number; outcome: string }
  | { kind: "back"; origin: string; downForMs: number; probes: number }
  | { kind: "answer-lost"; tool: string; attempt: number }
  | { kind: "rerun-confirmed"; tool: string; state: string }
  | { kind: "undocumented-category"; category: string; documented: readonly string[] }
  | { kind: "connected" };

type Level = "debug" | "info" | "warn" | "error";

/**
 * Writes `event`'s line to `logger` at its level, with every spelling of `secrets`
 * (and of every remembered secret), plan ids and control characters hidden. A logger
 * that throws is ignored: logging never fails a call or a probe.
 */
export function log(
  logger: Logger | undefined,
  event: LogEvent,
  secrets: readonly (string | undefined)[] = [],
): void {
  if (!logger) return;
  const [level, text] = lineOf(event);
  const write = logger[level] ?? (level === "error" ? logger.warn : undefined);
  if (typeof write !== "function") return;
  try {
    write.call(
      logger,
      redact(`planexe-client: ${text}`, { secrets, planIds: true, controls: true }),
    );
  } catch {
    // The host's logger broke; the SDK's work goes on.
  }
}

function lineOf(event: LogEvent): [Level, string] {
  switch (event.kind) {
    case "retry":
      return [
        "warn",
        `${event.method} ${event.url} failed (${event.failure}), attempt ${event.attempt}; retrying in ~${event.delayMs} ms`,
      ];
    case "down":
      return [
        "info",
        `${event.origin} is down since ${new Date(event.since).toISOString()}; requests wait on one probe${event.probeUrl ? ` of ${event.probeUrl}` : ""} every ${event.everyMs} ms`,
      ];
    case "probe":
      return ["debug", `${event.origin}: probe ${event.probe} ${event.outcome}`];
    case "back":
      return [
        "info",
        `${event.origin} is back after ${seconds(event.downForMs)} (${event.probes} ${event.probes === 1 ? "probe" : "probes"})`,
      ];
    case "answer-lost":
      return ["info", `${event.tool} answer lost (attempt ${event.attempt}); sending it again`];
    case "rerun-confirmed":
      return ["info", `${event.tool} confirmed by plan_status (${event.state})`];
    case "undocumented-category":
      return [
        "warn",
        `send_feedback category "${event.category}" is not one PlanExe documents (${event.documented.join(", ")}); sent as it is`,
      ];
    case "connected":
      return ["debug", "connected"];
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
