/**
 * What one SSE message of the progress stream means, and what the watcher does with
 * it. Owns: parsing an event's data (PlanExe's own JSON by its shape, anything else
 * by `JSON.parse`), checking the fields the SDK acts on, scrubbing a secret the
 * server echoed, dropping a repeated snapshot, and the verdict that ends a
 * connection (`complete`, the server's `event: error`). Reading the bytes is
 * `connection.ts`; reconnecting is `stream-loop.ts`.
 */
import type { EventSourceMessage } from "eventsource-parser";
import { PlanNotFoundError } from "../errors/index.js";
import { mayHoldSecret, redact } from "../errors/redact.js";
import type { ErrorEventData, PlanState } from "../protocol/index.js";
import type { MessageVerdict } from "./connection.js";
import type {
  PlanCompleteEvent,
  PlanHeartbeatEvent,
  PlanStatusEvent,
  PlanWatchEvent,
  PlanWatchWarning,
  ReconnectCode,
} from "./events.js";

/** The watch's one message handler: it outlives each connection, so dedupe and the last event id span reconnects. */
export interface MessageHandler {
  readonly lastEventId: string | undefined;
  /** `suspect`: the reads it came from may hold a secret (see `createSecretSpotter`). */
  handle(message: EventSourceMessage, suspect: boolean): MessageVerdict;
}

/**
 * Turns each SSE message into what the watcher does: deliver (each distinct status
 * once), finish on `complete`, fail on `PLAN_NOT_FOUND`, reconnect on the other
 * `event: error` codes (at once after `SSE_TIMEOUT`), warn and go on otherwise.
 * Keeps the stream's last event id (ids with NUL are already dropped by the
 * parser; an empty id clears it).
 */
export function createMessageHandler(options: {
  lastEventId: string | undefined;
  deliver: (event: PlanWatchEvent, lastEventId: string | undefined) => void;
  warn: (warning: PlanWatchWarning) => void;
}): MessageHandler {
  let lastEventId = options.lastEventId;
  const dedupe = createSnapshotDedupe();
  return {
    get lastEventId() {
      return lastEventId;
    },
    handle(message, suspect) {
      if (message.id !== undefined) lastEventId = message.id === "" ? undefined : message.id;
      const meaning = interpretMessage(message, suspect);
      switch (meaning.type) {
        case "status":
          if (dedupe.isRepeat(meaning, message.id)) return undefined;
          break;
        case "complete":
          return { kind: "complete", event: meaning };
        case "skipped":
          options.warn(meaning.warning);
          return undefined;
        case "server-error":
          return serverError(meaning.data);
      }
      options.deliver(meaning, lastEventId);
      return undefined;
    },
  };
}

/** `PLAN_NOT_FOUND` ends the watch; the other codes reconnect (at once after `SSE_TIMEOUT`). */
function serverError(data: ErrorEventData): MessageVerdict {
  const { code } = data;
  const text = redact(data.message, { planIds: true });
  if (code === "PLAN_NOT_FOUND") {
    return { kind: "fatal", error: new PlanNotFoundError(text, { details: { code } }) };
  }
  const reconnect: ReconnectCode =
    code === "SSE_TIMEOUT" || code === "SSE_CONNECTION_LIMIT" ? code : "SERVER_ERROR";
  return {
    kind: "retry",
    cause: { code: reconnect, message: `The server ended the stream: ${text}`.slice(0, 200) },
    productive: false,
  };
}

/** An event of the server's, delivered as it is parsed. */
type ServerEvent = PlanStatusEvent | PlanCompleteEvent | PlanHeartbeatEvent;

/**
 * What one SSE message of the progress stream means: the event itself (no wrapper
 * object per event on the hot path), the server's `event: error`, or a message the
 * watcher skips and why. One `type` tells them apart: the events' own.
 */
type Interpretation =
  | ServerEvent
  | { type: "server-error"; data: ErrorEventData }
  | { type: "skipped"; warning: PlanWatchWarning };

/**
 * Parses one message and checks, by hand (this runs for every event), only the
 * fields the SDK itself acts on: a status's `state` and `progress_percentage`
 * (what it deduplicates on), a complete's `state`, an error's `code`. Informational
 * fields (`plan_id`, `elapsed_sec`, a complete's `progress_percentage`, a heartbeat's
 * `timestamp`) are kept when they have their documented type, dropped when they do
 * not, and never a reason to skip the event: a server that leaves one out must not
 * make a watcher miss its `complete`. Anything malformed becomes a warning (never thrown).
 * `suspect` is false when the reads the message came from hold no secret's mark
 * (see `createSecretSpotter`); otherwise its text is checked and its data scrubbed.
 */
function interpretMessage(message: EventSourceMessage, suspect: boolean): Interpretation {
  const type = eventType(message.event);
  if (type === undefined)
    return warning(
      "UNKNOWN_EVENT",
      `Skipped an event of unknown type "${clip(message.event ?? "message")}".`,
    );
  let json: unknown;
  try {
    json = parseEventData(message.data);
  } catch {
    return warning("INVALID_JSON", `Skipped a "${type}" event whose data is not JSON.`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return invalid(type, "data");
  // A fresh object from JSON.parse: ours to complete in place, no copy.
  const data = json as Record<string, unknown>;
  if (type === "error") {
    if (typeof data.code !== "string") return invalid(type, "code");
    if (typeof data.message !== "string") data.message = "";
    return { type: "server-error", data: data as ErrorEventData };
  }
  // Each check written out with a literal `typeof`: this is the per-event hot path.
  if (type === "heartbeat") {
    if (data.timestamp !== undefined && typeof data.timestamp !== "string") delete data.timestamp;
  } else {
    const state = planState(data.state);
    if (state === undefined) return invalid(type, "state");
    data.state = state;
    if (typeof data.progress_percentage !== "number") {
      if (type === "status") return invalid(type, "progress_percentage");
      if (data.progress_percentage !== undefined) delete data.progress_percentage;
    }
    if (data.plan_id !== undefined && typeof data.plan_id !== "string") delete data.plan_id;
    if (data.elapsed_sec !== undefined && typeof data.elapsed_sec !== "number")
      delete data.elapsed_sec;
    if (type === "complete" && data.error !== undefined && !isErrorShape(data.error))
      delete data.error;
  }
  // `type` always wins over a stray `type` field of the server's.
  data.type = type;
  // A secret the server echoed is scrubbed; the check on the raw text keeps that off the hot path.
  return (suspect && mayHoldSecret(message.data) ? redact(data) : data) as ServerEvent;
}

/*
 * The parser and JSON.parse hand out fresh strings ("status", "processing"): every
 * === against them compares characters. These two return the one interned literal
 * instead, so each later comparison (ours, the dedupe's, the caller's `event.type ===
 * "status"`) is a pointer check.
 */

function eventType(
  name: string | undefined,
): "status" | "complete" | "heartbeat" | "error" | undefined {
  switch (name) {
    case "status":
      return "status";
    case "heartbeat":
      return "heartbeat";
    case "complete":
      return "complete";
    case "error":
      return "error";
    default:
      return undefined;
  }
}

function planState(value: unknown): PlanState | undefined {
  switch (value) {
    case "processing":
      return "processing";
    case "pending":
      return "pending";
    case "completed":
      return "completed";
    case "failed":
      return "failed";
    case "stopped":
      return "stopped";
    default:
      return undefined;
  }
}

function isErrorShape(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === "string" && typeof message === "string";
}

function invalid(type: string, where: string): Interpretation {
  return warning("INVALID_EVENT", `Skipped a "${type}" event with an invalid ${where}.`);
}

function warning(code: PlanWatchWarning["code"], message: string): Interpretation {
  return { type: "skipped", warning: { code, message } };
}

function clip(text: string): string {
  return redact(text.length > 40 ? `${text.slice(0, 40)}…` : text, { planIds: true });
}

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
