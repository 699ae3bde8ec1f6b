// Owns the loggers an episode's users added and the lines it writes to them: going down,
// each probe, coming back. Loggers are counted per logger, so each hears each line once.
import { redactUrl } from "../../errors/redact.js";
import { type LogEvent, type Logger, log } from "../logger.js";
import type { ProbeTarget } from "./probe-target.js";

/** Where one episode's lines go. */
export interface EpisodeLog {
  /** Adds `logger` until the returned function is called (a second call does nothing). */
  add(logger: Logger): () => void;
  /** The server went down at `since` (epoch ms), `probes` probes into the episode; it is probed every `everyMs`. */
  down(since: number, probes: number): void;
  /** The probe that made `probes` probes in all got `outcome` (the line numbers it within the outage). */
  probe(probes: number, outcome: string): void;
  /** The server is back after `downForMs`, with `probes` probes in all (the line counts the outage's). */
  back(downForMs: number, probes: number): void;
}

export function createEpisodeLog(
  target: ProbeTarget,
  everyMs: number,
  logger: Logger | undefined,
): EpisodeLog {
  // Counted per logger, so two users handing in the same `console` get each line once.
  const loggers = new Map<Logger, number>();
  if (logger) loggers.set(logger, 1);
  const tell = (event: LogEvent) => {
    for (const each of loggers.keys()) log(each, event);
  };
  const origin = () => target.origin ?? "the server";
  let probesAtDown = 0;
  return {
    add(added) {
      loggers.set(added, (loggers.get(added) ?? 0) + 1);
      let removed = false;
      return () => {
        if (removed) return;
        removed = true;
        const left = (loggers.get(added) ?? 1) - 1;
        if (left > 0) loggers.set(added, left);
        else loggers.delete(added);
      };
    },
    down(since, probes) {
      probesAtDown = probes;
      const { probeUrl } = target;
      tell({
        kind: "down",
        origin: origin(),
        since,
        probeUrl: probeUrl && redactUrl(probeUrl),
        everyMs,
      });
    },
    probe(probes, outcome) {
      tell({ kind: "probe", origin: origin(), probe: probes - probesAtDown, outcome });
    },
    back(downForMs, probes) {
      tell({ kind: "back", origin: origin(), downForMs, probes: probes - probesAtDown });
    },
  };
}
