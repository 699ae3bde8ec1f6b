/**
 * Memory over time: one watcher through 10,000 reconnect cycles. Every
 * connection answers 200, sends `retry: 1` and one new status, then ends with no
 * `complete` (what a deploy or a proxy timeout does to a stream); the watcher
 * reconnects after the hint, on an injected virtual clock so no cycle waits real
 * time. Heap and RSS are read after a full GC (`--expose-gc`) once the watcher
 * is warm and again after the cycles; the last connection sends `complete`.
 *
 *   node --import tsx --expose-gc bench/memory.ts [--cycles 10000] [--warmup 1000]
 */

import { watchPlan } from "../src/index.js";
import { encodeEvent, encodeRetry, statusData } from "../src/server/encode.js";
import { createManualClock } from "../src/testing/manual-clock.js";
import { readFlags } from "./lib/args.js";
import { machineInfo, printTable, writeResult } from "./lib/report.js";
import { fmt } from "./lib/stats.js";

/** Heap growth allowed over the whole run: about 50 bytes per cycle at 10,000 cycles. */
const MAX_HEAP_GROWTH_BYTES = 512 * 1024;
const PLAN_ID = "5f2b1c9e-8a4d-4e2f-9b7a-3c6d1e0f2a4b";

interface Sample {
  cycle: number;
  heapUsed: number;
  rss: number;
  external: number;
  arrayBuffers: number;
}

function sample(cycle: number): Sample {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return {
    cycle,
    heapUsed: m.heapUsed,
    rss: m.rss,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
}

/** Least-squares slope of `y` over `x`: bytes per cycle, less swayed by one noisy sample than last − first. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const den = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

function body(...blocks: Uint8Array[]): Response {
  return new Response(new Blob(blocks as BlobPart[]).stream(), {
    status: 200,
    headers: { "content-type": "text/event-stream" },
  });
}

async function main(): Promise<void> {
  if (typeof globalThis.gc !== "function") {
    throw new Error(
      "run with --expose-gc (npm run bench does) so heap is measured after a full GC",
    );
  }
  const machine = machineInfo();
  const flags = readFlags({ cycles: 10_000, warmup: 1000 });
  const total = flags.warmup + flags.cycles;
  const every = Math.max(1, Math.floor(flags.cycles / 10));
  const samples: Sample[] = [];
  let connections = 0;
  const clock = createManualClock({ settleTurns: 4 });
  const fakeFetch: typeof fetch = async () => {
    connections += 1;
    const cycle = connections - 1;
    // Synchronous GC + read: nothing of the watcher's runs while we measure.
    if (cycle >= flags.warmup && (cycle - flags.warmup) % every === 0) samples.push(sample(cycle));
    if (cycle >= total) {
      const done = {
        plan_id: PLAN_ID,
        state: "completed" as const,
        progress_percentage: 100,
        elapsed_sec: total,
      };
      return body(encodeEvent("complete", statusData(done)));
    }
    const snapshot = {
      plan_id: PLAN_ID,
      state: "processing" as const,
      progress_percentage: Math.round((cycle / total) * 1e6) / 1e4,
      elapsed_sec: cycle,
    };
    return body(encodeRetry(1), encodeEvent("status", statusData(snapshot)));
  };
  const user = new AbortController();
  const watch = watchPlan(`http://planexe.invalid/sse/plan/${PLAN_ID}`, {
    fetch: fakeFetch,
    clock,
    signal: user.signal,
  });
  let statuses = 0;
  let reconnects = 0;
  const consumed = (async () => {
    for await (const event of watch) {
      if (event.type === "status") statuses += 1;
      if (event.type === "reconnecting") reconnects += 1;
    }
  })();
  const started = performance.now();
  const end = await clock.runUntil(watch.closed, { maxMs: total * 60_000 });
  await consumed;
  const wallMs = performance.now() - started;
  if (end.reason !== "complete")
    throw new Error(`the watch ended with ${end.reason}, not complete`);
  const first = samples[0];
  const last = samples.at(-1);
  if (!first || !last) throw new Error("no samples");
  const heapGrowth = last.heapUsed - first.heapUsed;
  const rssGrowth = last.rss - first.rss;
  const cycles = last.cycle - first.cycle;
  const heapSlope = slope(samples.map((s) => [s.cycle, s.heapUsed]));
  const rssSlope = slope(samples.map((s) => [s.cycle, s.rss]));
  const mib = (n: number) => fmt(n / 1_048_576, 2);
  printTable(
    `Memory: one watcher, ${reconnects} reconnects in all, heap after full GC every ${every} cycles (MiB)`,
    ["cycle", "heapUsed", "rss", "external", "arrayBuffers"],
    samples.map((s) => [
      String(s.cycle),
      mib(s.heapUsed),
      mib(s.rss),
      mib(s.external),
      mib(s.arrayBuffers),
    ]),
  );
  const trendGrowth = heapSlope * cycles;
  const met = trendGrowth <= MAX_HEAP_GROWTH_BYTES;
  process.stdout.write(
    `over ${cycles} cycles: heap last − first ${fmt(heapGrowth / 1024, 1)} KiB, trend ${fmt(heapSlope, 1)} B/cycle = ${fmt(trendGrowth / 1024, 1)} KiB (limit ${MAX_HEAP_GROWTH_BYTES / 1024} KiB: ${met ? "met" : "MISSED"}); rss last − first ${mib(rssGrowth)} MiB, trend ${fmt((rssSlope * cycles) / 1_048_576, 2)} MiB; ${statuses} statuses delivered; ${fmt(wallMs / 1000, 1)} s wall\n`,
  );
  writeResult(
    "memory",
    {
      flags,
      target: { maxHeapGrowthBytes: MAX_HEAP_GROWTH_BYTES, met },
      connections,
      reconnects,
      statuses,
      wallMs,
      growth: {
        cycles,
        heapBytes: heapGrowth,
        rssBytes: rssGrowth,
        heapTrendBytesPerCycle: heapSlope,
        rssTrendBytesPerCycle: rssSlope,
      },
      samples,
    },
    machine,
  );
}

await main();
