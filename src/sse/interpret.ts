import type { EventSourceMessage } from "eventsource-parser";
import { redactText } from "../errors/index.js";
import { mayHoldSecret, scrubValue } from "../errors/scrub.js";
import type { ErrorEventData, PlanState } from "../protocol/index.js";
import type {
  PlanCompleteEvent,
  PlanHeartbeatEvent,
  PlanStatusEvent,
  PlanWatchWarning,
} from "./events.js";

/** What one SSE message of the progress stream means. */
export type Interpretation =
  | { kind: "event"; event: PlanStatusEvent | PlanCompleteEvent | PlanHeartbeatEvent }
  | { kind: "server-error"; data: ErrorEventData }
  | { kind: "warning"; warning: PlanWatchWarning };

const STATES: ReadonlySet<unknown> = new Set<PlanState>([
  "pending",
  "processing",
  "completed",
  "failed",
  "stopped",
]);

/**
 * Parses one message and checks, by hand (this runs for every event), only the
 * fields the SDK itself acts on: a status's `state` and `progress_percentage`
 * (what it deduplicates on), a complete's `state`, an error's `code`. Informational
 * fields (`plan_id`, `elapsed_sec`, a complete's `progress_percentage`, a heartbeat's
 * `timestamp`) are kept when they have their documented type, dropped when they do
 * not, and never a reason to skip the event: a server that leaves one out must not
 * make a watcher miss its `complete`. Anything malformed becomes a warning (never thrown).
 */
export function interpretMessage(message: EventSourceMessage): Interpretation {
  const type = message.event ?? "message";
  if (type !== "status" && type !== "complete" && type !== "heartbeat" && type !== "error")
    return warning("UNKNOWN_EVENT", `Skipped an event of unknown type "${clip(type)}".`);
  let json: unknown;
  try {
    json = JSON.parse(message.data);
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
    return { kind: "server-error", data: data as ErrorEventData };
  }
  if (type !== "heartbeat") {
    if (!STATES.has(data.state)) return invalid(type, "state");
    if (type === "status" && typeof data.progress_percentage !== "number")
      return invalid(type, "progress_percentage");
    dropMistyped(data, "plan_id", "string");
    dropMistyped(data, "elapsed_sec", "number");
    dropMistyped(data, "progress_percentage", "number");
    if (type === "complete" && data.error !== undefined && !isErrorShape(data.error))
      delete data.error;
  } else {
    dropMistyped(data, "timestamp", "string");
  }
  // `type` always wins over a stray `type` field of the server's.
  data.type = type;
  // A secret the server echoed is scrubbed; the check on the raw text keeps that off the hot path.
  const event = mayHoldSecret(message.data) ? scrubValue(data) : data;
  return {
    kind: "event",
    event: event as PlanStatusEvent | PlanCompleteEvent | PlanHeartbeatEvent,
  };
}

function dropMistyped(data: Record<string, unknown>, field: string, type: "string" | "number") {
  const value = data[field];
  if (value !== undefined && typeof value !== type) delete data[field];
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
  return { kind: "warning", warning: { code, message } };
}

function clip(text: string): string {
  return redactText(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
