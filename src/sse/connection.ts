/**
 * One connection to the progress stream, from request to end. Owns:
 * - opening it: the request (`Accept`, `Last-Event-ID`), the attempt timeout, and what
 *   the status and content type say (read, reconnect or fail);
 * - reading the body: bytes → the event size bound → UTF-8 text → SSE messages
 *   (eventsource-parser), with the heartbeat watch on a silent stream;
 * - how the connection ended ({@link ConnectOutcome}), never by a throw.
 * What a message means is `messages.ts`; whether and when to connect again is
 * `stream-loop.ts`.
 */
import { createParser, type EventSourceMessage, type ParseError } from "eventsource-parser";
import { type PlanExeError, ProtocolError, TransportError } from "../errors/index.js";
import { redact } from "../errors/redact.js";
import { abortReason, type Clock } from "../time/clock.js";
import { mimeEssence } from "../transport/policy/classify.js";
import { parseRetryAfter } from "../transport/policy/retry-options.js";
import { isServerAnswer, statusFailureKind } from "../transport/policy/statuses.js";
import type { PlanCompleteEvent, PlanWatchWarning, ReconnectCause } from "./events.js";
import { createSecretSpotter } from "./secret-spotter.js";
import type { RetryOutcome } from "./stream-failure.js";

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
  const attempt = startAttempt(options);
  try {
    if (options.signal.aborted) return { kind: "aborted" };
    const opened = await openResponse(options, attempt);
    if (opened.kind !== "open") return opened;
    const { response } = opened;
    if (isServerAnswer(response.status)) options.onAnswer();
    const rejected = checkResponse(response, options.clock.now());
    if (rejected) {
      void response.body?.cancel().catch(() => {});
      return rejected;
    }
    const noteByte = watchHeartbeat(options, attempt);
    return await readBody(response, options, attempt, noteByte);
  } finally {
    attempt.cancelTimer();
    options.signal.removeEventListener("abort", attempt.stopOnAbort);
    attempt.controller.abort();
  }
}

/** One connection's abort, its one timer (the attempt timeout, then the heartbeat watch), and which of them fired. */
interface Attempt {
  controller: AbortController;
  stopOnAbort: () => void;
  cancelTimer: () => void;
  why: "attempt-timeout" | "heartbeat-timeout" | undefined;
}

/** Links the caller's signal to the connection and starts the attempt timeout. */
function startAttempt(options: ConnectOptions): Attempt {
  const controller = new AbortController();
  const stopOnAbort = () => controller.abort();
  options.signal.addEventListener("abort", stopOnAbort, { once: true });
  const attempt: Attempt = { controller, stopOnAbort, cancelTimer: () => {}, why: undefined };
  attempt.cancelTimer = options.clock.setTimer(() => {
    attempt.why = "attempt-timeout";
    controller.abort();
  }, options.attemptTimeoutMs);
  return attempt;
}

/** Sends the request; a failure before the headers is an outage (no answer, or none in time). */
async function openResponse(
  options: ConnectOptions,
  attempt: Attempt,
): Promise<{ kind: "open"; response: Response } | ConnectOutcome> {
  try {
    const response = await options.fetch(options.url, {
      headers: requestHeaders(options.lastEventId),
      signal: attempt.controller.signal,
    });
    return { kind: "open", response };
  } catch (error) {
    if (options.signal.aborted) return { kind: "aborted" };
    return attempt.why === "attempt-timeout"
      ? retry("ATTEMPT_TIMEOUT", "No response before the attempt timeout", false, error)
      : retry("NETWORK_ERROR", networkMessage(error, options.url), false, error);
  } finally {
    attempt.cancelTimer();
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

/**
 * Aborts the connection after `heartbeatTimeoutMs` without a byte; returns what each
 * read calls. One timer for the connection, not one per read: each read only notes
 * the time; when the timer fires early of the last byte, it waits the rest.
 */
function watchHeartbeat(options: ConnectOptions, attempt: Attempt): () => void {
  const { clock, heartbeatTimeoutMs } = options;
  let lastByteAt = clock.now();
  const watchIdle = (ms: number) => {
    attempt.cancelTimer = clock.setTimer(() => {
      const idle = clock.now() - lastByteAt;
      if (idle < heartbeatTimeoutMs) return watchIdle(heartbeatTimeoutMs - idle);
      attempt.why = "heartbeat-timeout";
      attempt.controller.abort();
    }, ms);
  };
  attempt.cancelTimer();
  if (Number.isFinite(heartbeatTimeoutMs)) watchIdle(heartbeatTimeoutMs);
  return () => {
    lastByteAt = clock.now();
  };
}

/** Reads the body to its end, or to the first message verdict, and says how the connection ended. */
async function readBody(
  response: Response,
  options: ConnectOptions,
  attempt: Attempt,
  noteByte: () => void,
): Promise<ConnectOutcome> {
  const messages = createMessageReader(options);
  const reader = response.body?.getReader();
  if (!reader) return retry("EMPTY_RESPONSE", "The stream answered with no body", false);
  const { signal } = attempt.controller;
  // A fetch that ignores its signal would leave the read pending: cancel the body too.
  const cancelOnAbort = () => void reader.cancel().catch(() => {});
  signal.addEventListener("abort", cancelOnAbort, { once: true });
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        if (signal.aborted) throw abortReason(signal);
        break;
      }
      if (value.length === 0) continue;
      if (bytes === 0) options.onOpen();
      bytes += value.length;
      noteByte();
      const verdict = messages.push(value);
      if (verdict) return verdict;
    }
    const verdict = messages.end();
    if (verdict) return verdict;
    if (bytes === 0)
      return retry("EMPTY_RESPONSE", "The stream ended before sending anything", false);
    return retry("STREAM_ENDED", "The server closed the stream", messages.count() > 0);
  } catch (error) {
    return readFailure(error, options, attempt, messages, bytes);
  } finally {
    signal.removeEventListener("abort", cancelOnAbort);
    reader.cancel().catch(() => {});
  }
}

/** How a read that threw ended the connection: the caller's abort, a verdict already given, a silent stream, a cut. */
function readFailure(
  error: unknown,
  options: ConnectOptions,
  attempt: Attempt,
  messages: MessageReader,
  bytes: number,
): ConnectOutcome {
  if (options.signal.aborted) return { kind: "aborted" };
  const verdict = messages.verdict();
  if (verdict) return verdict;
  const productive = messages.count() > 0;
  if (attempt.why === "heartbeat-timeout")
    return retry(
      "HEARTBEAT_TIMEOUT",
      `No byte for ${options.heartbeatTimeoutMs} ms`,
      productive,
      error,
    );
  if (bytes === 0)
    return retry("EMPTY_RESPONSE", "The stream was cut before sending anything", false, error);
  return retry("NETWORK_ERROR", networkMessage(error, options.url), productive, error);
}

/** The body's reads turned into SSE messages, each handed to `onMessage` until one gives a verdict. */
interface MessageReader {
  /** Takes one read; the verdict that ends the connection, if any. */
  push(bytes: Uint8Array): MessageVerdict;
  /** The stream ended: parses what is left; the verdict, if any. */
  end(): MessageVerdict;
  verdict(): MessageVerdict;
  /** Messages handed to `onMessage`. */
  count(): number;
}

/**
 * Bytes → size bound → text → eventsource-parser → `onMessage`. An oversize event
 * ends the connection before it is decoded or buffered; once a verdict is given,
 * nothing more is parsed.
 */
function createMessageReader(options: ConnectOptions): MessageReader {
  let verdict: MessageVerdict;
  let messages = 0;
  let endsWithCR = false;
  const decoder = createUtf8Text();
  const guard = createEventSizeGuard(options.maxEventBytes);
  const secrets = createSecretSpotter();
  let suspect = true;
  const parser = createParser({
    maxBufferSize: options.maxEventBytes,
    onEvent(message) {
      if (verdict) return;
      messages += 1;
      verdict = options.onMessage(message, suspect);
      // An `event: error` that ends a stream which delivered before it ends a healthy connection.
      if (verdict?.kind === "retry") verdict.productive = messages > 1;
    },
    onRetry: (ms) => options.onRetryHint(ms),
    onError: (error: ParseError) => {
      if (error.type === "max-buffer-size-exceeded") verdict ??= tooLarge(options.maxEventBytes);
      else
        options.onWarning({
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
  return {
    push(bytes) {
      const over = guard.push(bytes);
      feed(decoder.decode(over >= 0 ? bytes.subarray(0, over) : bytes));
      if (!verdict && over >= 0) verdict = tooLarge(options.maxEventBytes);
      return verdict;
    },
    end() {
      feed(decoder.end());
      // A lone CR ends a line, but the parser waits for a possible LF; at the end there is none.
      if (endsWithCR) feed("\n");
      return verdict;
    },
    verdict: () => verdict,
    count: () => messages,
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

/** A network error's message and its cause's, with the stream URL (its plan id is its credential) redacted. */
function networkMessage(error: unknown, url: string): string {
  const detail = error instanceof Error ? error.message : String(error);
  const cause =
    error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return redact(`Network error: ${detail}${cause}`, { secrets: [url], planIds: true }).slice(
    0,
    200,
  );
}

// ---------------------------------------------------------------------------
// Bytes → text, and the event size bound: the two steps before the parser.

/**
 * Turns the stream's reads into text exactly as one streaming `TextDecoder` would
 * (a leading BOM dropped, a character split across reads joined, bad bytes as
 * U+FFFD), but faster: a read that ends on an ASCII byte while no bytes are held
 * over is decoded in one shot, which in Node is the native bulk path, several times
 * faster than `{ stream: true }` (see `docs/benchmarks.md`). Every read of an ASCII
 * stream, such as PlanExe's JSON, takes it.
 *
 * Why that is exact: the streaming decoder holds bytes only while a character is
 * incomplete, and an ASCII byte ends any such state (an unfinished character before
 * it becomes U+FFFD), so after a read that ends on one the decoder holds nothing and
 * a one-shot decode of the next such read gives the same text. The first read always
 * goes through the streaming decoder, which drops the stream's BOM; the one-shot
 * decoder keeps every BOM it sees, as the streaming one does after the start.
 */
export function createUtf8Text(): {
  /** The text `bytes` completes. */
  decode(bytes: Uint8Array): string;
  /** What is left at the end of the stream (U+FFFD for an unfinished character). */
  end(): string;
} {
  const streaming = new TextDecoder();
  const oneShot = new TextDecoder("utf-8", { ignoreBOM: true });
  // The streaming decoder has not seen the stream's start, or may hold part of a character.
  let viaStreaming = true;
  return {
    decode(bytes) {
      const endsOnAscii = bytes.length > 0 && (bytes[bytes.length - 1] as number) < 0x80;
      if (!viaStreaming && endsOnAscii) return oneShot.decode(bytes);
      const text = streaming.decode(bytes, { stream: true });
      if (bytes.length > 0) viaStreaming = !endsOnAscii;
      return text;
    },
    end: () => streaming.decode(),
  };
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Counts the bytes of the SSE block (one event: its lines up to the blank line)
 * as they arrive, so an oversize event is caught before it is decoded or buffered.
 * `push` returns the offset in `chunk` of the first byte over `maxBytes`, or -1.
 * Line endings may be CR, LF or CRLF, split across chunks.
 *
 * It jumps from line end to line end with the native `indexOf`. And when the whole
 * chunk cannot take the current block over the limit (each byte adds at most one),
 * it skips to the chunk's last blank line and counts only what follows it: a 16 KiB
 * read of small events costs a look at its last event, not a few searches per event.
 */
export function createEventSizeGuard(maxBytes: number): { push(chunk: Uint8Array): number } {
  let blockBytes = 0;
  let lineBytes = 0;
  let afterCR = false;

  const scan = (chunk: Uint8Array, from: number): number => {
    let nextLF = -2;
    let nextCR = -2;
    let i = from;
    while (i < chunk.length) {
      if (afterCR && chunk[i] === LF) {
        afterCR = false;
        i++;
        continue;
      }
      if (nextLF !== -1 && nextLF < i) nextLF = chunk.indexOf(LF, i);
      if (nextCR !== -1 && nextCR < i) nextCR = chunk.indexOf(CR, i);
      const end = nextLF === -1 ? nextCR : nextCR === -1 ? nextLF : Math.min(nextLF, nextCR);
      const lineEnd = end === -1 ? chunk.length : end;
      const room = maxBytes - blockBytes - lineBytes;
      if (lineEnd > i && lineEnd - i > room) return i + Math.max(0, room);
      lineBytes += lineEnd - i;
      if (end === -1) {
        afterCR = false;
        return -1;
      }
      afterCR = chunk[end] === CR;
      blockBytes = lineBytes === 0 ? 0 : blockBytes + lineBytes + 1;
      lineBytes = 0;
      i = end + 1;
    }
    return -1;
  };

  return {
    push(chunk) {
      if (blockBytes + lineBytes + chunk.length <= maxBytes) {
        const blank = lastBlankLineEnd(chunk);
        if (blank !== -1) {
          // Nothing before it can overflow; after it a new block starts from zero.
          blockBytes = 0;
          lineBytes = 0;
          afterCR = chunk[blank] === CR;
          return scan(chunk, blank + 1);
        }
      }
      return scan(chunk, 0);
    },
  };
}

/** How far back from a chunk's end the blank line is looked for (events are a few hundred bytes). */
const BLANK_LINE_LOOKBACK = 2_048;

/**
 * The index of the line end that ends the chunk's last empty line (a line end right
 * after another: LF LF, LF CR or CR CR; CR LF is one line end), or -1 when there is
 * none within {@link BLANK_LINE_LOOKBACK} bytes of the end (the caller then scans the
 * chunk from its start, which is always right). A loop over the last few bytes: the
 * blank line is usually within one event of the end, and a native search for a CR
 * that a stream never sends would read the whole chunk.
 */
function lastBlankLineEnd(chunk: Uint8Array): number {
  const stop = Math.max(1, chunk.length - BLANK_LINE_LOOKBACK);
  for (let end = chunk.length - 1; end >= stop; end--) {
    const byte = chunk[end];
    if (byte !== LF && byte !== CR) continue;
    const before = chunk[end - 1];
    if (before === LF || (before === CR && byte === CR)) return end;
  }
  return -1;
}
