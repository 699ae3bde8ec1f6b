import type { PlanSnapshot } from "../../src/protocol/index.js";
import {
  completeData,
  encodeEvent,
  encodeRetry,
  heartbeatData,
  statusData,
} from "../../src/server/encode.js";
import { seededRandom } from "./random.js";

/** A PlanExe progress stream as bytes, in today's format, and how many events it holds. */
export interface RecordedStream {
  bytes: Uint8Array;
  events: number;
  statuses: number;
  heartbeats: number;
}

const PLAN_ID = "5f2b1c9e-8a4d-4e2f-9b7a-3c6d1e0f2a4b";

/**
 * Today's PlanExe bytes for a plan whose stream carries `events` events: `retry:
 * 5000`, then distinct `status` snapshots (progress rising in 0.001 % steps) with a
 * `heartbeat` every tenth event, then `complete`. Written by the same encoder the
 * server uses (`json.dumps` spacing, Python floats), no `id:` lines, as today.
 */
export function recordTodayStream(events: number): RecordedStream {
  const parts: Uint8Array[] = [encodeRetry(5000)];
  let statuses = 0;
  let heartbeats = 0;
  const start = Date.parse("2026-01-01T00:00:00Z");
  for (let i = 0; i < events - 1; i++) {
    if (i % 10 === 9) {
      parts.push(encodeEvent("heartbeat", heartbeatData(start + i * 3000)));
      heartbeats += 1;
      continue;
    }
    const snapshot: PlanSnapshot = {
      plan_id: PLAN_ID,
      state: i === 0 ? "pending" : "processing",
      progress_percentage: Math.round((i / events) * 100_000) / 1000,
      elapsed_sec: i * 3,
    };
    parts.push(encodeEvent("status", statusData(snapshot)));
    statuses += 1;
  }
  const done: PlanSnapshot = {
    plan_id: PLAN_ID,
    state: "completed",
    progress_percentage: 100,
    elapsed_sec: events * 3,
  };
  parts.push(encodeEvent("complete", completeData(done)));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return { bytes, events, statuses, heartbeats };
}

/** Splits `bytes` at every blank line: one event per chunk, as a live stream arrives. */
export function chunkPerEvent(bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (let i = 1; i < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i - 1] === 10) {
      chunks.push(bytes.subarray(from, i + 1));
      from = i + 1;
    }
  }
  if (from < bytes.length) chunks.push(bytes.subarray(from));
  return chunks;
}

/** Splits `bytes` into seeded random sizes in [1, maxSize]: reads that cut events anywhere. */
export function chunkRandom(bytes: Uint8Array, maxSize: number, seed = 1): Uint8Array[] {
  const next = seededRandom(seed);
  const chunks: Uint8Array[] = [];
  for (let from = 0; from < bytes.length; ) {
    const size = 1 + Math.floor(next() * maxSize);
    chunks.push(bytes.subarray(from, from + size));
    from += size;
  }
  return chunks;
}

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A `fetch` that answers every request with a 200 event stream whose body yields
 * `chunks`, each in its own macrotask, as socket reads arrive (so whatever the
 * reader queued in microtasks runs between two reads, as it would on a network).
 */
export function replayFetch(chunks: readonly Uint8Array[]): typeof fetch {
  return async () => {
    let index = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await nextMacrotask();
        const chunk = chunks[index++];
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    return new Response(body, {
      status: 200,
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    });
  };
}
