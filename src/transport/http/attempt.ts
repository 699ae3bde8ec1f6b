import { ErrorCode } from "../../errors/codes.js";
import { isPlanExeError } from "../../errors/planexe-error.js";
import { abortReason, type Clock } from "../../time/clock.js";
import { MAX_TIMER_MS } from "../../time/duration.js";
import { raceSignal } from "../../time/signals.js";
import {
  classifyNetworkError,
  isJsonType,
  mimeEssence,
  type TransientFailure,
} from "../policy/classify.js";
import { transportError } from "../policy/failure.js";
import { statusDelivery, statusFailureKind } from "../policy/statuses.js";
import { BufferedResponse } from "./buffered-response.js";
import type { FetchFunction } from "./fetch-function.js";
import { readAll } from "./read-all.js";
import { redactJsonError } from "./redact-body.js";
import { fetchWithRedirects, isFinalError, type RedirectOptions } from "./redirect.js";
import { type BodyLimit, releaseOnEnd } from "./release-on-end.js";
import type { ReplayableRequest } from "./request.js";

/** What one attempt came to: a response to hand back, or a transient failure. */
export type AttemptOutcome =
  | { ok: true; response: Response }
  | { ok: false; failure: TransientFailure; retryAfter: string | null };

/** Options of {@link runAttempt}. */
export interface AttemptOptions extends RedirectOptions {
  clock: Clock;
  /** Time for the headers and, for JSON, the whole body. */
  timeoutMs: number;
  /** Most bytes of a JSON answer read; a larger one fails with `RESPONSE_TOO_LARGE`. */
  maxResponseBytes: number;
}

/**
 * One attempt: sends `request` (following safe redirects) and, for a JSON answer,
 * reads the whole body within `timeoutMs`, so a body that stalls after the headers
 * is a retryable timeout rather than a hang; the buffered bytes come back as a new
 * `Response`. An event stream or a download is returned as it arrives (only its
 * headers are timed) and stays tied to the caller's signal.
 * 502/503/504 and 429 bodies are cancelled unread (the edge's 502 is an HTML page).
 * Rejects with `signal.reason` when the caller aborts; rethrows errors that are
 * not network failures.
 */
export async function runAttempt(
  inner: FetchFunction,
  request: ReplayableRequest,
  options: AttemptOptions,
): Promise<AttemptOutcome> {
  const caller = request.signal;
  if (caller?.aborted) throw abortReason(caller);
  const bound = boundAttempt(caller, options);
  try {
    const response = await raceSignal(
      fetchWithRedirects(inner, request, bound.signal, options),
      bound.signal,
    );
    const refused = statusFailure(response);
    if (refused) {
      bound.finish();
      return refused;
    }
    if (response.body && isJsonType(response.headers.get("content-type"))) {
      const buffered = await bufferJson(response, response.body, request, bound.signal, options);
      bound.finish();
      return { ok: true, response: buffered };
    }
    // Streamed: only the headers were timed; the caller's signal ends the body until the body ends.
    bound.stopTimer();
    const limit = streamLimit(request, response, options);
    return { ok: true, response: releaseOnEnd(response, bound.signal, bound.detach, limit) };
  } catch (error) {
    bound.finish();
    return failedAttempt(error, caller, bound.timedOut());
  }
}

/** One attempt's signal: aborted by the caller's, or by the per-attempt timeout. */
interface AttemptBound {
  readonly signal: AbortSignal;
  /** Whether the timeout (not the caller) aborted it. */
  timedOut(): boolean;
  /** Stops the timeout; the caller's abort still reaches the attempt. */
  stopTimer(): void;
  /** Unhooks the caller's signal. */
  detach(): void;
  /** The attempt is over: both. */
  finish(): void;
}

function boundAttempt(caller: AbortSignal | undefined, options: AttemptOptions): AttemptBound {
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(abortReason(caller as AbortSignal));
  caller?.addEventListener("abort", onCallerAbort, { once: true });
  let timedOut = false;
  const stopTimer =
    options.timeoutMs < MAX_TIMER_MS
      ? options.clock.setTimer(() => {
          timedOut = true;
          controller.abort(
            new DOMException(`Attempt timed out after ${options.timeoutMs} ms`, "TimeoutError"),
          );
        }, options.timeoutMs)
      : () => {};
  const detach = () => caller?.removeEventListener("abort", onCallerAbort);
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    stopTimer,
    detach,
    finish() {
      stopTimer();
      detach();
    },
  };
}

/** A 502/503/504 or 429 as a transient failure, its body cancelled unread; `undefined` for any other status. */
function statusFailure(response: Response): AttemptOutcome | undefined {
  const { status } = response;
  const kind = statusFailureKind(status);
  if (!kind) return undefined;
  response.body?.cancel().catch(() => {});
  return {
    ok: false,
    failure: { kind, delivery: statusDelivery(status), status },
    retryAfter: response.headers.get("retry-after"),
  };
}

/**
 * A JSON answer read whole within the attempt (at most `maxResponseBytes`, refused
 * at once when its `Content-Length` says more), secrets redacted from an error text,
 * handed back as a new `Response`.
 */
async function bufferJson(
  response: Response,
  body: ReadableStream<Uint8Array>,
  request: ReplayableRequest,
  signal: AbortSignal,
  options: AttemptOptions,
): Promise<Response> {
  const tooLarge = tooLargeError("JSON answer", request, response.status, options);
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > options.maxResponseBytes) {
    body.cancel().catch(() => {});
    throw tooLarge(declared);
  }
  const bytes = await readAll(body, signal, { maxBytes: options.maxResponseBytes, tooLarge });
  const clean = redactJsonError(bytes, options.secrets);
  return new BufferedResponse(response, clean, clean === bytes);
}

/**
 * What a thrown attempt comes to: the caller's abort and errors that end the request
 * are rethrown; the attempt's timeout and a network failure are transient failures.
 */
function failedAttempt(
  error: unknown,
  caller: AbortSignal | undefined,
  timedOut: boolean,
): AttemptOutcome {
  if (caller?.aborted) throw abortReason(caller);
  if (isPlanExeError(error) || isFinalError(error)) throw error;
  if (timedOut)
    return {
      ok: false,
      failure: { kind: "timeout", delivery: "maybe", error },
      retryAfter: null,
    };
  const failure = classifyNetworkError(error);
  if (failure) return { ok: false, failure, retryAfter: null };
  throw error;
}

/** The `RESPONSE_TOO_LARGE` error for `what` (an answer, an event), given the size counted. */
function tooLargeError(
  what: string,
  request: ReplayableRequest,
  status: number,
  options: AttemptOptions,
): (size: number) => Error {
  return (size) =>
    transportError(
      ErrorCode.RESPONSE_TOO_LARGE,
      `${what} of ${size} bytes or more, over maxResponseBytes (${options.maxResponseBytes}); not read further`,
      { method: request.method, url: request.url, secrets: options.secrets },
      { status },
    );
}

/**
 * The bound on a streamed answer, whatever its content type: an answer to a JSON-RPC
 * request (an event stream answering `tools/call` or `tools/list`, an error page) at
 * most `maxResponseBytes` in all; any other event stream (a long-lived one) at most
 * that much per event. A download is left to its reader (it knows its announced size).
 */
function streamLimit(
  request: ReplayableRequest,
  response: Response,
  options: AttemptOptions,
): BodyLimit | undefined {
  const eventStream = mimeEssence(response.headers.get("content-type")) === "text/event-stream";
  const rpc = request.method === "POST" && request.rpc !== undefined;
  if (!rpc && !eventStream) return undefined;
  const what = `${eventStream ? "event-stream " : ""}${rpc ? "answer" : "event"}`;
  return {
    maxBytes: options.maxResponseBytes,
    perEvent: !rpc,
    tooLarge: tooLargeError(what, request, response.status, options),
  };
}
