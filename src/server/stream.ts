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

/** The snapshot's event id, or none where today's server sends none. */
function eventIdOf(snapshot: PlanSnapshot, emulateToday: boolean): string | undefined {
  return emulateToday ? undefined : snapshotEventId(snapshot);
}

/**
 * Opens one connection's stream: `retry:` first, then the current snapshot, then a poll
 * every `pollIntervalMs`, a heartbeat after `heartbeatMs` of silence, `complete` and close
 * on a terminal state, `error` SSE_TIMEOUT after `timeoutMs`. Every timer runs on the
 * injected clock and is cancelled when the client goes away.
 */
export function openProgressStream(params: ProgressStreamParams): ProgressStreamConnection {
  const { planId, request, options } = params;
  const sink = openSink(params.onClose);
  const heartbeat = heartbeats(sink, options);
  const snapshots = snapshotWriter(planId, sink, heartbeat, options);
  sink.write(encodeRetry(options.retryMs));
  snapshots.resume(params.first, params.lastEventId);
  heartbeat.rearm();
  snapshots.show(params.first);
  if (!sink.isClosed()) {
    endAtTimeout(sink, options);
    pollUntilClosed(planId, request, sink, snapshots.show, options);
    endOnAbort(request.signal, sink);
  }
  return {
    body: sink.body,
    drain(retryMs) {
      sink.write(encodeRetry(retryMs));
      sink.finish();
    },
    cut(reason) {
      sink.finish(reason);
    },
  };
}

/** The response body and its one end, whatever ends it (the reader, a terminal event, a cut). */
interface Sink {
  readonly body: ReadableStream<Uint8Array>;
  isClosed(): boolean;
  /** Queues `chunk`; a body the reader already cancelled ends the stream. */
  write(chunk: Uint8Array): void;
  /** Ends the stream once: runs the cleanups, closes the body (errors it with `cutReason`), calls `onClose`. */
  finish(cutReason?: unknown): void;
  /** Runs at the end, before the body closes: a timer to cancel, a listener to remove. */
  onFinish(cleanup: () => void): void;
}

function openSink(onClose: () => void): Sink {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  const cleanups: Array<() => void> = [];
  const finish = (cutReason?: unknown) => {
    if (closed) return;
    closed = true;
    for (const cleanup of cleanups) cleanup();
    try {
      if (cutReason === undefined) controller.close();
      else controller.error(cutReason);
    } catch {
      // Already cancelled by the reader: nothing left to close.
    }
    onClose();
  };
  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
    },
    cancel() {
      finish();
    },
  });
  return {
    body,
    isClosed: () => closed,
    write(chunk) {
      if (closed) return;
      try {
        controller.enqueue(chunk);
      } catch {
        finish();
      }
    },
    finish,
    onFinish(cleanup) {
      cleanups.push(cleanup);
    },
  };
}

/** When heartbeats are written. */
interface Heartbeat {
  /** An event was just written: the next heartbeat is due `heartbeatMs` from now. */
  rearm(): void;
  /** A poll tick that wrote nothing: today's server writes its heartbeat here, once `heartbeatMs` passed. */
  quietTick(): void;
}

function heartbeats(sink: Sink, options: ResolvedStreamOptions): Heartbeat {
  const { clock, emulateToday } = options;
  let cancel = () => {};
  sink.onFinish(() => cancel());
  /** Today's server writes a heartbeat only at a poll tick, once `heartbeatMs` passed since its last event. */
  let lastEventAt = clock.now();
  const beat = () => sink.write(encodeEvent("heartbeat", heartbeatData(clock.now())));
  const rearm = () => {
    cancel();
    lastEventAt = clock.now();
    if (sink.isClosed() || emulateToday) return;
    cancel = clock.setTimer(() => {
      beat();
      rearm();
    }, options.heartbeatMs);
  };
  return {
    rearm,
    quietTick() {
      if (emulateToday && clock.now() - lastEventAt >= options.heartbeatMs) {
        beat();
        lastEventAt = clock.now();
      }
    },
  };
}

/** What a read snapshot is written as. */
interface SnapshotWriter {
  /** Resume: the client already holds this exact snapshot, so its status is not resent. */
  resume(first: PlanSnapshot | undefined, lastEventId: string | undefined): void;
  /** Not found (and the end), `complete` (and the end), or a `status` when it changed since the last one. */
  show(read: PlanSnapshot | undefined): void;
}

function snapshotWriter(
  planId: string,
  sink: Sink,
  heartbeat: Heartbeat,
  { emulateToday }: ResolvedStreamOptions,
): SnapshotWriter {
  let lastKey: string | undefined;
  return {
    resume(first, lastEventId) {
      if (
        first &&
        lastEventId !== undefined &&
        lastEventId === eventIdOf(normalize(first), emulateToday)
      ) {
        lastKey = changeKey(normalize(first), emulateToday);
      }
    },
    show(read) {
      if (read === undefined) {
        sink.write(encodeEvent("error", planNotFoundData(planId)));
        sink.finish();
        return;
      }
      const snapshot = normalize(read);
      if (isTerminalState(snapshot.state)) {
        sink.write(
          encodeEvent("complete", completeData(snapshot), eventIdOf(snapshot, emulateToday)),
        );
        sink.finish();
        return;
      }
      const key = changeKey(snapshot, emulateToday);
      if (key === lastKey) {
        heartbeat.quietTick();
        return;
      }
      lastKey = key;
      sink.write(encodeEvent("status", statusData(snapshot), eventIdOf(snapshot, emulateToday)));
      heartbeat.rearm();
    },
  };
}

/** `error` SSE_TIMEOUT and the end, `timeoutMs` after the stream opened. */
function endAtTimeout(sink: Sink, options: ResolvedStreamOptions): void {
  const cancel = options.clock.setTimer(() => {
    sink.write(encodeEvent("error", timeoutData(options.timeoutMs)));
    sink.finish();
  }, options.timeoutMs);
  sink.onFinish(cancel);
}

/** Reads the snapshot every `pollIntervalMs` and shows it, until the stream ends. */
function pollUntilClosed(
  planId: string,
  request: Request,
  sink: Sink,
  show: (read: PlanSnapshot | undefined) => void,
  options: ResolvedStreamOptions,
): void {
  let cancel = () => {};
  sink.onFinish(() => cancel());
  const schedule = () => {
    cancel = options.clock.setTimer(() => {
      cancel = () => {};
      // Through a promise so a getSnapshot that throws synchronously ends this stream only.
      Promise.resolve()
        .then(() => options.getSnapshot(planId, request))
        .then(
          (snapshot) => {
            if (sink.isClosed()) return;
            show(snapshot);
            if (!sink.isClosed()) schedule();
          },
          (error: unknown) => {
            if (sink.isClosed()) return;
            // As today, a failed read ends the stream; the client reconnects after `retry:`.
            sink.finish();
            try {
              options.onError(error, request);
            } catch {
              // A throwing logger must not become an unhandled rejection that stops the server.
            }
          },
        );
    }, options.pollIntervalMs);
  };
  schedule();
}

/** The client going away ends the stream (and every timer with it). */
function endOnAbort(signal: AbortSignal, sink: Sink): void {
  if (signal.aborted) {
    sink.finish();
    return;
  }
  const onAbort = () => sink.finish();
  signal.addEventListener("abort", onAbort, { once: true });
  sink.onFinish(() => signal.removeEventListener("abort", onAbort));
}
