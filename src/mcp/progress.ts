import type { ServerContext } from "@modelcontextprotocol/server";
import { redact } from "../errors/redact.js";
import { type Clock, sleep } from "../time/clock.js";

/** One `notifications/progress` payload (without the token). */
export interface ProgressUpdate {
  progress: number;
  total?: number;
  message: string;
}

/** Sends the progress of one request. */
export interface ProgressSender {
  /** Resolves once the notification is written (before the result, never after it). */
  send(update: ProgressUpdate): Promise<void>;
  /** Resolves once the last notification is {@link RESULT_GAP_MS} old: call it before returning the result. */
  settle(): Promise<void>;
}

/**
 * The MCP SDK's client handles a notification a microtask after reading it but a
 * response at once, so a progress notification that arrives in the same read as
 * its request's result is dropped as "unknown token". A short gap between the last
 * notification and the result keeps them in separate reads.
 */
const RESULT_GAP_MS = 50;

/**
 * Progress for this request, or `undefined` when the host sent no `progressToken`.
 * Every message is display text whoever worded it (a plan's step comes from the
 * server): no secret in any spelling, no control character.
 */
export function progressSender(
  extra: ServerContext,
  clock: Clock,
  secrets: readonly string[],
): ProgressSender | undefined {
  const token = extra.mcpReq._meta?.progressToken;
  if (token === undefined) return undefined;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  return {
    async send(update) {
      await extra.mcpReq
        .notify({
          method: "notifications/progress",
          params: {
            ...update,
            message: redact(update.message, { secrets, controls: true }),
            progressToken: token,
          },
        })
        .catch(() => {});
      lastSentAt = clock.now();
    },
    async settle() {
      const wait = lastSentAt + RESULT_GAP_MS - clock.now();
      if (wait > 0) await sleep(wait, { clock });
    },
  };
}
