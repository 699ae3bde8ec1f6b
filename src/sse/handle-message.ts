import type { EventSourceMessage } from "eventsource-parser";
import { PlanNotFoundError, redactText } from "../errors/index.js";
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
  handle(message: EventSourceMessage): MessageVerdict;
} {
  let lastEventId = options.lastEventId;
  const dedupe = createSnapshotDedupe();
  return {
    get lastEventId() {
      return lastEventId;
    },
    handle(message) {
      if (message.id !== undefined) lastEventId = message.id === "" ? undefined : message.id;
      const meaning = interpretMessage(message);
      if (meaning.kind === "warning") {
        options.warn(meaning.warning);
        return undefined;
      }
      if (meaning.kind === "server-error") {
        const { code } = meaning.data;
        const text = redactText(meaning.data.message);
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
      const { event } = meaning;
      if (event.type === "complete") return { kind: "complete", event };
      if (event.type === "status" && dedupe.isRepeat(event, message.id)) return undefined;
      options.deliver(event, lastEventId);
      return undefined;
    },
  };
}
