import { abortReason } from "../../time/clock.js";
import { isNullBodyStatus } from "../policy/classify.js";

/** A bound on a streamed body's bytes. */
export interface BodyLimit {
  /** Most bytes accepted: of the whole body, or with `perEvent` of one event-stream event. */
  maxBytes: number;
  /** Count the bytes of each event (reset at every blank line) instead of the whole body: a long-lived stream. */
  perEvent: boolean;
  /** The error the body fails with past `maxBytes`, given the size counted. */
  tooLarge: (size: number) => Error;
}

/**
 * `response` with its body tied to `signal` and `release` called once the body is
 * done. For a streamed answer (an event stream, a download) read after the attempt
 * returned:
 * - when `signal` aborts, the body fails with its reason (even from a `fetch` that
 *   ignores its signal) and the source is cancelled;
 * - `release` runs once the body is read to the end, fails, is cancelled or
 *   aborted, so a link to a long-lived signal (a client's, the MCP SDK's
 *   transport-wide one) goes with the body instead of staying for ever.
 * - with `limit`, once more bytes than it allows arrive the body fails with its
 *   error and the source is cancelled: one endless answer cannot take the memory.
 * A response without a body (or with a status that cannot carry one) is released at once.
 */
export function releaseOnEnd(
  response: Response,
  signal: AbortSignal,
  release: () => void,
  limit?: BodyLimit,
): Response {
  const body = response.body;
  // A body the response cannot be rebuilt with (a 204 from a lenient fetch) goes as it is.
  if (!body || isNullBodyStatus(response.status)) {
    release();
    return response;
  }
  const source = new WatchedSource(body.getReader(), signal, release, limit && byteCounter(limit));
  // Nothing is read before the consumer asks.
  return withBody(response, new ReadableStream(source, { highWaterMark: 0 }));
}

/**
 * The source of a body {@link releaseOnEnd} watches: reads `reader` when asked, fails
 * on `signal` or past the byte limit, and lets go of `signal` and calls `release` once,
 * whichever way the body ends.
 */
class WatchedSource implements UnderlyingDefaultSource<Uint8Array> {
  private output: ReadableStreamDefaultController<Uint8Array> | undefined;
  private done = false;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly signal: AbortSignal;
  private readonly release: () => void;
  private readonly count: ((chunk: Uint8Array) => Error | undefined) | undefined;

  constructor(
    reader: ReadableStreamDefaultReader<Uint8Array>,
    signal: AbortSignal,
    release: () => void,
    count: ((chunk: Uint8Array) => Error | undefined) | undefined,
  ) {
    this.reader = reader;
    this.signal = signal;
    this.release = release;
    this.count = count;
    signal.addEventListener("abort", this.onAbort, { once: true });
  }

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.output = controller;
    if (this.signal.aborted) this.onAbort();
  }

  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    try {
      const step = await this.reader.read();
      if (this.done) return;
      if (step.done) {
        this.end();
        controller.close();
        return;
      }
      const over = this.count?.(step.value);
      if (over) {
        this.end();
        controller.error(over);
        this.reader.cancel(over).catch(() => {});
        return;
      }
      controller.enqueue(step.value);
    } catch (error) {
      if (this.end()) controller.error(error);
    }
  }

  cancel(reason: unknown): Promise<void> {
    this.end();
    return this.reader.cancel(reason);
  }

  /** Lets go of the signal and releases; false when the body had ended already. */
  private end(): boolean {
    if (this.done) return false;
    this.done = true;
    this.signal.removeEventListener("abort", this.onAbort);
    this.release();
    return true;
  }

  private readonly onAbort = (): void => {
    if (!this.end()) return;
    const reason = abortReason(this.signal);
    this.output?.error(reason);
    this.reader.cancel(reason).catch(() => {});
  };
}

/** `response` (status, headers, URL) over another `body`. */
export function withBody(response: Response, body: ReadableStream<Uint8Array>): Response {
  const rebuilt = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  if (response.url) Object.defineProperty(rebuilt, "url", { value: response.url });
  return rebuilt;
}

const LF = 10;
const CR = 13;

/** Counts the bytes `limit` bounds; returns its error once they are past `maxBytes`. */
function byteCounter(limit: BodyLimit): (chunk: Uint8Array) => Error | undefined {
  let size = 0;
  // The last two bytes seen, so a blank line split between two chunks is found.
  let prev1 = -1;
  let prev2 = -1;
  return (chunk) => {
    if (limit.perEvent) {
      const end = afterLastBlankLine(chunk, prev1, prev2);
      size = end < 0 ? size + chunk.byteLength : chunk.byteLength - end;
      const n = chunk.byteLength;
      if (n > 0) {
        prev2 = n > 1 ? (chunk[n - 2] as number) : prev1;
        prev1 = chunk[n - 1] as number;
      }
    } else size += chunk.byteLength;
    return size > limit.maxBytes ? limit.tooLarge(size) : undefined;
  };
}

/**
 * The index just past the last blank line (an event's end: LF LF, CR CR or
 * CRLF CRLF) in `chunk`, given the two bytes before it; -1 when it has none.
 */
function afterLastBlankLine(chunk: Uint8Array, before1: number, before2: number): number {
  const at = (i: number) => (i >= 0 ? (chunk[i] as number) : i === -1 ? before1 : before2);
  for (let i = chunk.byteLength - 1; i >= 0; i--) {
    const c = chunk[i];
    if (c !== LF && c !== CR) continue;
    const p = at(i - 1);
    if (p === c || (c === LF && p === CR && at(i - 2) === LF)) return i + 1;
  }
  return -1;
}
