import type { EventSourceMessage } from "eventsource-parser";
import { mayHoldSecret, redact } from "../errors/redact.js";
import type { ErrorEventData, PlanState } from "../protocol/index.js";
import { parseEventData } from "./event-data.js";
import type {
  PlanCompleteEvent,
  PlanHeartbeatEvent,
  PlanStatusEvent,
  PlanWatchWarning,
} from "./events.js";

/** An event of the server's, delivered as it is parsed. */
type ServerEvent = PlanStatusEvent | PlanCompleteEvent | PlanHeartbeatEvent;

/**
 * What one SSE message of the progress stream means: the event itself (no wrapper
 * object per event on the hot path), the server's `event: error`, or a message the
 * watcher skips and why. One `type` tells them apart: the events' own.
 */
export type Interpretation =
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
 * (see `createSecretSpotter`); otherwise its text is checked and its data redacted.
 */
export function interpretMessage(message: EventSourceMessage, suspect = true): Interpretation {
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
  // A secret the server echoed is redacted; the check on the raw text keeps that off the hot path.
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
