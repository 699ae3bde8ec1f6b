import type { EventSourceMessage } from "eventsource-parser";
import { PlanNotFoundError } from "../errors/index.js";
import { redact } from "../errors/redact.js";
import type { ErrorEventData } from "../protocol/index.js";
import type { MessageVerdict } from "./connect.js";
import { createSnapshotDedupe } from "./dedupe.js";
import type { PlanWatchEvent, PlanWatchWarning, ReconnectCode } from "./events.js";
import { interpretMessage } from "./interpret.js";

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
}): {
  readonly lastEventId: string | undefined;
  /** `suspect`: the reads it came from may hold a secret (see `createSecretSpotter`). */
  handle(message: EventSourceMessage, suspect: boolean): MessageVerdict;
} {
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
