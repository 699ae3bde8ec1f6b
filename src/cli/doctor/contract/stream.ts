import { createParser, type EventSourceMessage } from "eventsource-parser";
import { PLANEXE_STREAM } from "../../../protocol/planexe-stream.js";
import { WATCH_PLAN_DEFAULTS } from "../../../sse/watch-plan.js";
import { timeoutSignal } from "../../../time/clock.js";
import { type Difference, differs } from "./difference.js";

/** The stream's first block (`retry:` and an event) is far less than this. */
const MAX_STREAM_BYTES = 65_536;

/** One read of a progress stream: the `retry:` hint and the events, each with when it came. */
interface StreamRead {
  status: number;
  contentType: string;
  retry: number | undefined;
  events: Array<{ event: string; data: string; atMs: number }>;
}

/**
 * Reads `GET url` as an event stream until `enough` says so, the stream ends, or
 * `timeoutMs` passes (then what was read is returned: a quiet stream is an answer).
 */
async function readStream(
  url: string,
  timeoutMs: number,
  parent: AbortSignal,
  enough: (read: StreamRead) => boolean,
): Promise<StreamRead> {
  const { signal, dispose } = timeoutSignal(timeoutMs, { parent });
  const started = Date.now();
  const read: StreamRead = { status: 0, contentType: "", retry: undefined, events: [] };
  try {
    const response = await fetch(url, { signal, headers: { accept: "text/event-stream" } });
    read.status = response.status;
    read.contentType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
    if (!response.body || response.status !== 200 || read.contentType !== "text/event-stream") {
      await response.body?.cancel().catch(() => {});
      return read;
    }
    const parser = createParser({
      onRetry: (ms) => {
        read.retry = ms;
      },
      onEvent: (message: EventSourceMessage) => {
        read.events.push({
          event: message.event ?? "message",
          data: message.data,
          atMs: Date.now() - started,
        });
      },
    });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let size = 0;
    try {
      while (!enough(read) && size < MAX_STREAM_BYTES) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
    return read;
  } catch (error) {
    // The deadline ends a quiet stream: what was read is the answer. The caller's abort is not.
    if (parent.aborted || read.status === 0) throw error;
    return read;
  } finally {
    dispose();
  }
}

/**
 * The stream of an unknown plan: PlanExe answers 200 `text/event-stream`, `retry:`
 * and `event: error` PLAN_NOT_FOUND at once, so its `retry:` hint is read in
 * milliseconds.
 */
export async function compareStream(
  base: string,
  planId: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ retry: number | undefined; found: Difference[] }> {
  const read = await readStream(
    `${base}/sse/plan/${planId}`,
    timeoutMs,
    signal,
    (r) => r.events.length > 0,
  );
  if (read.status !== 200 || read.contentType !== "text/event-stream")
    return {
      retry: read.retry,
      found: [
        differs(
          "stream of an unknown plan",
          "200 text/event-stream",
          `${read.status} ${read.contentType || "(no content-type)"}`,
          "breaks",
          "watch() reads the progress stream here",
        ),
      ],
    };
  const found: Difference[] = [];
  if (read.retry !== PLANEXE_STREAM.retryMs)
    found.push(
      differs(
        "stream retry:",
        PLANEXE_STREAM.retryMs,
        read.retry,
        "info",
        "the client waits at least this long before reconnecting",
      ),
    );
  const first = read.events[0];
  const code = first ? /"code"\s*:\s*"([A-Za-z_]+)"/.exec(first.data)?.[1] : undefined;
  if (first?.event !== "error" || code !== "PLAN_NOT_FOUND")
    found.push(
      differs(
        "stream of an unknown plan",
        "event: error PLAN_NOT_FOUND",
        first ? `event: ${first.event}${code ? ` ${code}` : ""}` : "no event",
        "breaks",
        "a watch of a missing plan would not fail as PLAN_NOT_FOUND",
      ),
    );
  return { retry: read.retry, found };
}

/**
 * The heartbeat on the stream of a plan that is not finished: the first one after
 * the opening snapshot, within `timeoutMs`. None within the client's heartbeat
 * timeout breaks it (the watcher would cut a healthy stream and reconnect).
 */
export async function compareHeartbeat(
  base: string,
  planId: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ gapMs: number | undefined; ended: boolean; found: Difference[] }> {
  const read = await readStream(`${base}/sse/plan/${planId}`, timeoutMs, signal, (r) =>
    r.events.some((e) => e.event === "heartbeat" || e.event === "complete"),
  );
  const index = read.events.findIndex((e) => e.event === "heartbeat");
  const beat = read.events[index];
  const before = index > 0 ? (read.events[index - 1]?.atMs ?? 0) : 0;
  const gapMs = beat ? beat.atMs - before : undefined;
  const contract = `every ${PLANEXE_STREAM.heartbeatMs / 1000} s of silence`;
  const tolerance = WATCH_PLAN_DEFAULTS.heartbeatTimeoutMs;
  const ended = beat === undefined && read.events.some((e) => e.event === "complete");
  if (ended) return { gapMs, ended, found: [] };
  if (gapMs === undefined)
    return {
      gapMs,
      ended,
      found: [
        differs(
          "stream heartbeat",
          contract,
          `none in ${Math.round(timeoutMs / 1000)} s`,
          timeoutMs >= tolerance ? "breaks" : "info",
          `the watcher reconnects after ${tolerance / 1000} s without a byte`,
        ),
      ],
    };
  const late = gapMs > tolerance;
  const off = Math.abs(gapMs - PLANEXE_STREAM.heartbeatMs) > 5_000;
  return {
    gapMs,
    ended,
    found:
      late || off
        ? [
            differs(
              "stream heartbeat",
              contract,
              `after ${(gapMs / 1000).toFixed(1)} s`,
              late ? "breaks" : "info",
              `the watcher reconnects after ${tolerance / 1000} s without a byte`,
            ),
          ]
        : [],
  };
}
