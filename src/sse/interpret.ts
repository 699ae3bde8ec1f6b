import type { EventSourceMessage } from "eventsource-parser";
import { redactText } from "../errors/index.js";
import { scrubValue } from "../errors/scrub.js";
import { type ErrorEventData, StreamEventSchemas } from "../protocol/index.js";
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

function isKnownType(type: string): type is keyof typeof StreamEventSchemas {
  return Object.hasOwn(StreamEventSchemas, type);
}

/** Parses and validates one message; anything malformed becomes a warning (never thrown). */
export function interpretMessage(message: EventSourceMessage): Interpretation {
  const type = message.event ?? "message";
  if (!isKnownType(type)) {
    return warning("UNKNOWN_EVENT", `Skipped an event of unknown type "${clip(type)}".`);
  }
  let json: unknown;
  try {
    json = JSON.parse(message.data);
  } catch {
    return warning("INVALID_JSON", `Skipped a "${type}" event whose data is not JSON.`);
  }
  const parsed = StreamEventSchemas[type].safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join(".") || "data";
    return warning("INVALID_EVENT", `Skipped a "${type}" event with an invalid ${clip(where)}.`);
  }
  if (type === "error") return { kind: "server-error", data: parsed.data as ErrorEventData };
  // The server's fields stay where it put them (scrubbed of secrets it echoed); `type` always wins over a stray `type` field.
  const event = Object.assign({}, scrubValue(parsed.data), { type }) as
    | PlanStatusEvent
    | PlanCompleteEvent
    | PlanHeartbeatEvent;
  return { kind: "event", event };
}

function warning(code: PlanWatchWarning["code"], message: string): Interpretation {
  return { kind: "warning", warning: { code, message } };
}

function clip(text: string): string {
  return redactText(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
