import { createParser, type EventSourceMessage, type ParseError } from "eventsource-parser";
import { type PlanExeError, ProtocolError, TransportError } from "../errors/index.js";
import { redact } from "../errors/redact.js";
import { mimeEssence } from "../transport/classify.js";
import { abortReason, type Clock } from "../transport/clock.js";
import { parseRetryAfter } from "../transport/policy.js";
import { isServerAnswer, statusFailureKind } from "../transport/statuses.js";
import { createEventSizeGuard } from "./event-size.js";
import type { PlanCompleteEvent, PlanWatchWarning, ReconnectCause } from "./events.js";
import { createSecretSpotter } from "./secret-spotter.js";
import type { RetryOutcome } from "./stream-failure.js";
import { createUtf8Text } from "./utf8-text.js";

/** How one connection to the stream ended. */
export type ConnectOutcome =
  | { kind: "complete"; event: PlanCompleteEvent }
  | { kind: "aborted" }
  | { kind: "fatal"; error: PlanExeError }
  | RetryOutcome;

/** A message handler's verdict: keep reading (`undefined`), or end the connection so. */
export type MessageVerdict = Exclude<ConnectOutcome, { kind: "aborted" }> | undefined;

export interface ConnectOptions {
  url: string;
  fetch: typeof fetch;
  clock: Clock;
  /** Aborts the connection for good (the caller's signal, `close()`). */
  signal: AbortSignal;
  lastEventId: string | undefined;
  attemptTimeoutMs: number;
  heartbeatTimeoutMs: number;
  maxEventBytes: number;
  /** The server answered (anything but 502/503/504): it is up. */
  onAnswer(): void;
  /** The first byte arrived. */
  onOpen(): void;
  /** `suspect`: the reads the message came from may hold a secret. */
  onMessage(message: EventSourceMessage, suspect: boolean): MessageVerdict;
  onRetryHint(ms: number): void;
  onWarning(warning: PlanWatchWarning): void;
}

const EVENT_STREAM = "text/event-stream";

/** Opens the stream once and reads it until it ends; never throws. */
export async function connect(options: ConnectOptions): Promise<ConnectOutcome> {
  const controller = new AbortController();
  let why: "attempt-timeout" | "heartbeat-timeout" | undefined;
  const stopOnAbort = () => controller.abort();
  options.signal.addEventListener("abort", stopOnAbort, { once: true });
  let cancelTimer = options.clock.setTimer(() => {
    why = "attempt-timeout";
    controller.abort();
  }, options.attemptTimeoutMs);
  const secrets = [options.url];
  try {
    if (options.signal.aborted) return { kind: "aborted" };
    let response: Response;
    try {
      response = await options.fetch(options.url, {
        headers: requestHeaders(options.lastEventId),
        signal: controller.signal,
      });
    } catch (error) {
      if (options.signal.aborted) return { kind: "aborted" };
      const outcome =
        why === "attempt-timeout"
          ? retry("ATTEMPT_TIMEOUT", "No response before the attempt timeout", false, error)
          : retry("NETWORK_ERROR", networkMessage(error, secrets), false, error);
      return outcome;
    } finally {
      cancelTimer();
    }
    if (isServerAnswer(response.status)) options.onAnswer();
    const rejected = checkResponse(response, options.clock.now());
    if (rejected) {
      void response.body?.cancel().catch(() => {});
      return rejected;
    }
    // One heartbeat timer for the connection, not one per read: each read only notes
    // the time; when the timer fires early of the last byte, it waits the rest.
    const { clock, heartbeatTimeoutMs } = options;
    let lastByteAt = clock.now();
    const watchIdle = (ms: number) => {
      cancelTimer = clock.setTimer(() => {
        const idle = clock.now() - lastByteAt;
        if (idle < heartbeatTimeoutMs) return watchIdle(heartbeatTimeoutMs - idle);
        why = "heartbeat-timeout";
        controller.abort();
      }, ms);
    };
    cancelTimer();
    if (Number.isFinite(heartbeatTimeoutMs)) watchIdle(heartbeatTimeoutMs);
    return await readStream(
      response,
      options,
      () => {
        lastByteAt = clock.now();
      },
      secrets,
    );
  } finally {
    cancelTimer();
    options.signal.removeEventListener("abort", stopOnAbort);
    controller.abort();
  }

  async function readStream(
    response: Response,
    opts: ConnectOptions,
    onBytes: () => void,
    hidden: string[],
  ): Promise<ConnectOutcome> {
    let verdict: MessageVerdict;
    let messages = 0;
    let bytes = 0;
    let endsWithCR = false;
    const decoder = createUtf8Text();
    const guard = createEventSizeGuard(opts.maxEventBytes);
    const secrets = createSecretSpotter();
    let suspect = true;
    const parser = createParser({
      maxBufferSize: opts.maxEventBytes,
      onEvent(message) {
        if (verdict) return;
        messages += 1;
        verdict = opts.onMessage(message, suspect);
        // An `event: error` that ends a stream which delivered before it ends a healthy connection.
        if (verdict?.kind === "retry") verdict.productive = messages > 1;
      },
      onRetry: (ms) => opts.onRetryHint(ms),
      onError: (error: ParseError) => {
        if (error.type === "max-buffer-size-exceeded") verdict ??= tooLarge(opts.maxEventBytes);
        else
          opts.onWarning({
            code: "INVALID_FIELD",
            message: redact(error.message, { planIds: true }),
          });
      },
    });
    const feed = (text: string) => {
      if (text === "" || verdict) return;
      endsWithCR = text.endsWith("\r");
      suspect = secrets.read(text);
      parser.feed(text);
    };
    const reader = response.body?.getReader();
    if (!reader) return retry("EMPTY_RESPONSE", "The stream answered with no body", false);
    // A fetch that ignores its signal would leave the read pending: cancel the body too.
    const cancelOnAbort = () => void reader.cancel().catch(() => {});
    controller.signal.addEventListener("abort", cancelOnAbort, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          if (controller.signal.aborted) throw abortReason(controller.signal);
          break;
        }
        if (value.length === 0) continue;
        if (bytes === 0) opts.onOpen();
        bytes += value.length;
        onBytes();
        const over = guard.push(value);
        feed(decoder.decode(over >= 0 ? value.subarray(0, over) : value));
        if (!verdict && over >= 0) verdict = tooLarge(opts.maxEventBytes);
        if (verdict) return verdict;
      }
      feed(decoder.end());
      // A lone CR ends a line, but the parser waits for a possible LF; at the end there is none.
      if (endsWithCR) feed("\n");
      if (verdict) return verdict;
      if (bytes === 0)
        return retry("EMPTY_RESPONSE", "The stream ended before sending anything", false);
      return retry("STREAM_ENDED", "The server closed the stream", messages > 0);
    } catch (error) {
      if (opts.signal.aborted) return { kind: "aborted" };
      if (verdict) return verdict;
      if (why === "heartbeat-timeout")
        return retry(
          "HEARTBEAT_TIMEOUT",
          `No byte for ${opts.heartbeatTimeoutMs} ms`,
          messages > 0,
          error,
        );
      if (bytes === 0)
        return retry("EMPTY_RESPONSE", "The stream was cut before sending anything", false, error);
      return retry("NETWORK_ERROR", networkMessage(error, hidden), messages > 0, error);
    } finally {
      controller.signal.removeEventListener("abort", cancelOnAbort);
      reader.cancel().catch(() => {});
    }
  }
}

function requestHeaders(lastEventId: string | undefined): Headers {
  const headers = new Headers({ accept: EVENT_STREAM, "cache-control": "no-cache" });
  if (lastEventId) headers.set("last-event-id", lastEventId);
  return headers;
}

/** The status and content type decide whether to read, retry or fail; `undefined` means read. */
function checkResponse(response: Response, now: number): ConnectOutcome | undefined {
  const { status } = response;
  if (status === 200) {
    const essence = mimeEssence(response.headers.get("content-type"));
    if (essence === EVENT_STREAM) return undefined;
    return {
      kind: "fatal",
      error: new ProtocolError(
        "WRONG_CONTENT_TYPE",
        `The progress stream answered with content type "${redact(essence.slice(0, 60), { planIds: true }) || "(none)"}", not ${EVENT_STREAM}`,
        { status },
      ),
    };
  }
  if (status === 429) {
    const outcome = retry("RATE_LIMITED", "The server answered HTTP 429", false);
    outcome.cause.status = status;
    outcome.retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now);
    return outcome;
  }
  if (statusFailureKind(status)) {
    const outcome = retry("HTTP_ERROR", `The server answered HTTP ${status}`, false);
    outcome.cause.status = status;
    return outcome;
  }
  return {
    kind: "fatal",
    error: new TransportError("HTTP_ERROR", `The progress stream answered HTTP ${status}`, {
      status,
    }),
  };
}

function retry(
  code: ReconnectCause["code"],
  message: string,
  productive: boolean,
  error?: unknown,
): RetryOutcome {
  return { kind: "retry", cause: { code, message }, productive, error };
}

function tooLarge(maxEventBytes: number): { kind: "fatal"; error: ProtocolError } {
  return {
    kind: "fatal",
    error: new ProtocolError(
      "EVENT_TOO_LARGE",
      `An event of the progress stream is larger than maxEventBytes (${maxEventBytes} bytes)`,
    ),
  };
}

function networkMessage(error: unknown, secrets: string[]): string {
  const detail = error instanceof Error ? error.message : String(error);
  const cause =
    error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return redact(`Network error: ${detail}${cause}`, { secrets, planIds: true }).slice(0, 200);
}
