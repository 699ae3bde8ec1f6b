/**
 * Parses an event's `data` as JSON, the progress stream's hot path. PlanExe's own
 * events in the server's encoding (Python's `json.dumps`) are matched by a compiled
 * pattern that admits only JSON of that exact shape (strings without escapes or
 * control characters, numbers in JSON's grammar) and built without the general
 * parser (what that saves is measured in `docs/benchmarks.md`):
 *
 *     {"plan_id": "…", "state": "…", "progress_percentage": 12.5, "elapsed_sec": 3.0}
 *     {"timestamp": "2026-01-01T00:00:27Z"}
 *
 * Anything else, however slightly different, goes to `JSON.parse`. Both give the same
 * object (the same properties in the same order, the same values: `Number` reads a
 * JSON number as `JSON.parse` does), so the pattern changes nothing but the time.
 */
export function parseEventData(text: string): unknown {
  const snapshot = SNAPSHOT.exec(text);
  if (snapshot !== null) {
    return {
      plan_id: snapshot[1],
      state: snapshot[2],
      progress_percentage: Number(snapshot[3]),
      elapsed_sec: Number(snapshot[4]),
    };
  }
  const heartbeat = HEARTBEAT.exec(text);
  if (heartbeat !== null) return { timestamp: heartbeat[1] };
  return JSON.parse(text);
}

/** A JSON string's content with no escape and no control character. */
const STRING = String.raw`"([^"\\\u0000-\u001f]*)"`;
/** A JSON number. */
const NUMBER = String.raw`(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)`;
const SNAPSHOT = new RegExp(
  String.raw`^\{"plan_id": ${STRING}, "state": ${STRING}, "progress_percentage": ${NUMBER}, "elapsed_sec": ${NUMBER}\}$`,
);
const HEARTBEAT = new RegExp(String.raw`^\{"timestamp": ${STRING}\}$`);
