import type { PlanStatusEvent } from "./events.js";

/**
 * Drops a status that repeats the last one delivered: by event id when the server
 * sends ids (an id-aware server), else by snapshot (state + progress), which is
 * what today's PlanExe resends first on every reconnect. Only the last snapshot is
 * remembered, so a new run that passes the same progress again is still delivered.
 */
export function createSnapshotDedupe(): {
  /** True when `event` repeats the last delivered status; otherwise remembers it and returns false. */
  isRepeat(event: PlanStatusEvent, id: string | undefined): boolean;
} {
  let last: { id: string | undefined; key: string } | undefined;
  return {
    isRepeat(event, id) {
      const key = `${event.state}|${event.progress_percentage}`;
      const repeat =
        last !== undefined &&
        (id !== undefined && last.id !== undefined ? id === last.id : key === last.key);
      if (!repeat) last = { id, key };
      return repeat;
    },
  };
}
