import { isTerminalState, type PlanSnapshot, snapshotEventId } from "../protocol/index.js";
import {
  completeData,
  encodeEvent,
  encodeRetry,
  heartbeatData,
  planNotFoundData,
  statusData,
  timeoutData,
} from "./encode.js";
import type { ResolvedStreamOptions } from "./options.js";

/** One open progress stream. */
export interface ProgressStreamConnection {
  /** The response body. */
  readonly body: ReadableStream<Uint8Array>;
  /** Ends the stream now with a `retry: <retryMs>` block, so the client reconnects soon (elsewhere). */
  drain(retryMs: number): void;
  /** Cuts the stream with no further byte, as a killed server does. */
  cut(reason: unknown): void;
}

/** What one connection needs: the snapshot read up front decides its first bytes. */
export interface ProgressStreamParams {
  planId: string;
  request: Request;
  /** The snapshot read before the response started; `undefined` when the plan does not exist. */
  first: PlanSnapshot | undefined;
  /** The request's `Last-Event-ID`, when the resumable protocol is on. */
  lastEventId: string | undefined;
  options: ResolvedStreamOptions;
  /** Called exactly once, when the stream ends for any reason (slot release, bookkeeping). */
  onClose: () => void;
}

/** PlanExe reports 100 for every completed plan; the id must describe what is sent. */
function normalize(snapshot: PlanSnapshot): PlanSnapshot {
  return snapshot.state === "completed" ? { ...snapshot, progress_percentage: 100 } : snapshot;
}

/** A status is written when any of these changed since the last one (today: state or progress only). */
function changeKey(snapshot: PlanSnapshot, emulateToday: boolean): string {
  const run = emulateToday ? "" : `${snapshot.run ?? 0}|`;
  return `${run}${snapshot.state}|${snapshot.progress_percentage}`;
}

/**
 * Opens one connection's stream: `retry:` first, then the current snapshot, then a poll
 * every `pollIntervalMs`, a heartbeat after `heartbeatMs` of silence, `complete` and close
 * on a terminal state, `error` SSE_TIMEOUT after `timeoutMs`. Every timer runs on the
 * injected clock and is cancelled when the client goes away.
 */
export function openProgressStream(params: ProgressStreamParams): ProgressStreamConnection {
  const { planId, request, options } = params;
  const { clock, emulateToday } = options;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let lastKey: string | undefined;
  let cancelPoll = () => {};
  let cancelHeartbeat = () => {};
  let cancelTimeout = () => {};
  /** Today's server writes a heartbeat only at a poll tick, once `heartbeatMs` passed since its last event. */
  let lastEventAt = clock.now();

  const finish = (cutReason?: unknown) => {
    if (closed) return;
    closed = true;
    cancelPoll();
    cancelHeartbeat();
    cancelTimeout();
    request.signal.removeEventListener("abort", onAbort);
    try {
      if (cutReason === undefined) controller.close();
      else controller.error(cutReason);
    } catch {
      // Already cancelled by the reader: nothing left to close.
    }
    params.onClose();
  };

  const onAbort = () => finish();

  const write = (chunk: Uint8Array) => {
    if (closed) return;
    try {
      controller.enqueue(chunk);
    } catch {
      finish();
    }
  };

  const armHeartbeat = () => {
    cancelHeartbeat();
    lastEventAt = clock.now();
    if (closed || emulateToday) return;
    cancelHeartbeat = clock.setTimer(() => {
      write(encodeEvent("heartbeat", heartbeatData(clock.now())));
      armHeartbeat();
    }, options.heartbeatMs);
  };

  const eventId = (snapshot: PlanSnapshot) =>
    emulateToday ? undefined : snapshotEventId(snapshot);

  const show = (read: PlanSnapshot | undefined) => {
    if (read === undefined) {
      write(encodeEvent("error", planNotFoundData(planId)));
      finish();
      return;
    }
    const snapshot = normalize(read);
    if (isTerminalState(snapshot.state)) {
      write(encodeEvent("complete", completeData(snapshot), eventId(snapshot)));
      finish();
      return;
    }
    const key = changeKey(snapshot, emulateToday);
    if (key === lastKey) {
      if (emulateToday && clock.now() - lastEventAt >= options.heartbeatMs) {
        write(encodeEvent("heartbeat", heartbeatData(clock.now())));
        lastEventAt = clock.now();
      }
      return;
    }
    lastKey = key;
    write(encodeEvent("status", statusData(snapshot), eventId(snapshot)));
    armHeartbeat();
  };

  const schedulePoll = () => {
    cancelPoll = clock.setTimer(() => {
      cancelPoll = () => {};
      // Through a promise so a getSnapshot that throws synchronously ends this stream only.
      Promise.resolve()
        .then(() => options.getSnapshot(planId, request))
        .then(
          (snapshot) => {
            if (closed) return;
            show(snapshot);
            if (!closed) schedulePoll();
          },
          (error: unknown) => {
            if (closed) return;
            // As today, a failed read ends the stream; the client reconnects after `retry:`.
            finish();
            try {
              options.onError(error, request);
            } catch {
              // A throwing logger must not become an unhandled rejection that stops the server.
            }
          },
        );
    }, options.pollIntervalMs);
  };

  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
    },
    cancel() {
      finish();
    },
  });

  write(encodeRetry(options.retryMs));
  const { first, lastEventId } = params;
  // Resume: the client already holds this exact snapshot, so its status is not resent.
  if (first && lastEventId !== undefined && lastEventId === eventId(normalize(first))) {
    lastKey = changeKey(normalize(first), emulateToday);
  }
  armHeartbeat();
  show(first);
  if (!closed) {
    cancelTimeout = clock.setTimer(() => {
      write(encodeEvent("error", timeoutData(options.timeoutMs)));
      finish();
    }, options.timeoutMs);
    schedulePoll();
    if (request.signal.aborted) finish();
    else request.signal.addEventListener("abort", onAbort, { once: true });
  }

  return {
    body,
    drain(retryMs) {
      write(encodeRetry(retryMs));
      finish();
    },
    cut(reason) {
      finish(reason);
    },
  };
}
