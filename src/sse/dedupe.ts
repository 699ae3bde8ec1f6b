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
  let seen = false;
  let lastId: string | undefined;
  let lastState: string | undefined;
  let lastProgress: number | undefined;
  return {
    isRepeat(event, id) {
      const repeat =
        seen &&
        (id !== undefined && lastId !== undefined
          ? id === lastId
          : // Object.is: the same snapshot even for NaN, as the string key it replaces compared.
            event.state === lastState && Object.is(event.progress_percentage, lastProgress));
      if (!repeat) {
        seen = true;
        lastId = id;
        lastState = event.state;
        lastProgress = event.progress_percentage;
      }
      return repeat;
    },
  };
}
