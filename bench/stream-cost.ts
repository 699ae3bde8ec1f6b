/**
 * Stream cost: one recorded PlanExe progress stream (today's bytes, 100k events)
 * read through `watchPlan` and through bare eventsource-parser (+ `JSON.parse` of
 * each event's data, which any consumer needs), from the same `fetch` returning
 * the same chunks. Two chunkings: one event per chunk (a live stream) and random
 * reads of up to 16 KiB (catching up on a backlog). Rounds alternate the order;
 * reported: events/s median and spread per side, and the ratio. Target ≥ 0.8.
 * A pass over 16 KiB reads takes about 0.1 s, so one GC or scheduling hiccup moves
 * a round by 20 %: 15 rounds keep the median off any one of them (with 5, the ratio
 * of the same code moved between 0.81 and 0.94 from run to run).
 *
 *   tsx --expose-gc bench/stream-cost.ts [--events 100000] [--rounds 15]
 */
import { createParser } from "eventsource-parser";
import { watchPlan } from "../src/index.js";
import { readFlags } from "./lib/args.js";
import {
  chunkPerEvent,
  chunkRandom,
  type RecordedStream,
  recordTodayStream,
  replayFetch,
} from "./lib/recorded-stream.js";
import { machineInfo, printTable, writeResult } from "./lib/report.js";
import { fmt, median, spread } from "./lib/stats.js";

const TARGET_RATIO = 0.8;
const URL_ = "http://planexe.invalid/sse/plan/5f2b1c9e-8a4d-4e2f-9b7a-3c6d1e0f2a4b";

/** Reads the stream with the bare parser; returns the events seen. */
async function bareParser(fetchImpl: typeof fetch): Promise<number> {
  const response = await fetchImpl(URL_);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let events = 0;
  let checksum = 0;
  const parser = createParser({
    onEvent(message) {
      events += 1;
      const data = JSON.parse(message.data) as { progress_percentage?: number };
      checksum += data.progress_percentage ?? 0;
    },
  });
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  parser.feed(decoder.decode());
  if (Number.isNaN(checksum))
    throw new Error("unreachable: keeps JSON.parse from being optimised away");
  return events;
}

/** Reads the stream through watchPlan, as a user would (`for await`); returns the server events seen. */
async function throughWatchPlan(fetchImpl: typeof fetch): Promise<number> {
  let events = 0;
  const warnings: string[] = [];
  const watch = watchPlan(URL_, {
    fetch: fetchImpl,
    onWarning: (w) => warnings.push(`${w.code}: ${w.message}`),
  });
  for await (const event of watch) {
    if (event.type === "status" || event.type === "heartbeat" || event.type === "complete") {
      events += 1;
    }
  }
  if (warnings.length > 0) throw new Error(`watchPlan warned: ${warnings.join("; ")}`);
  return events;
}

const sides = { watchPlan: throughWatchPlan, "eventsource-parser + JSON.parse": bareParser };
type Side = keyof typeof sides;

async function measure(
  recorded: RecordedStream,
  chunks: Uint8Array[],
  rounds: number,
): Promise<Record<Side, number[]>> {
  const names = Object.keys(sides) as Side[];
  const rates: Record<Side, number[]> = { watchPlan: [], "eventsource-parser + JSON.parse": [] };
  const fetchImpl = replayFetch(chunks);
  // One untimed warm-up each, so both run JIT-compiled code.
  for (const name of names) await sides[name](fetchImpl);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      globalThis.gc?.();
      const start = performance.now();
      const seen = await sides[name](fetchImpl);
      const seconds = (performance.now() - start) / 1000;
      if (seen !== recorded.events) {
        throw new Error(`${name} saw ${seen} of ${recorded.events} events`);
      }
      rates[name].push(seen / seconds);
    }
  }
  return rates;
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const flags = readFlags({ events: 100_000, rounds: 15 });
  const recorded = recordTodayStream(flags.events);
  const chunkings = {
    "one event per chunk": chunkPerEvent(recorded.bytes),
    "random reads ≤ 16 KiB": chunkRandom(recorded.bytes, 16_384, 7),
  };
  const results: Record<string, unknown> = {};
  const rows: string[][] = [];
  let worst = Number.POSITIVE_INFINITY;
  for (const [label, chunks] of Object.entries(chunkings)) {
    const rates = await measure(recorded, chunks, flags.rounds);
    const ours = median(rates.watchPlan);
    const bare = median(rates["eventsource-parser + JSON.parse"]);
    const ratio = ours / bare;
    worst = Math.min(worst, ratio);
    const perRound = rates.watchPlan.map(
      (r, i) => r / (rates["eventsource-parser + JSON.parse"][i] ?? r),
    );
    results[label] = { chunks: chunks.length, rates, ratio, perRoundRatio: perRound };
    for (const side of Object.keys(rates) as Side[]) {
      rows.push([
        label,
        side,
        fmt(median(rates[side]) / 1000, 1),
        `±${fmt(spread(rates[side]) * 50, 1)} %`,
        side === "watchPlan" ? fmt(ratio, 3) : "",
      ]);
    }
  }
  printTable(
    `Stream cost: ${recorded.events} events (${(recorded.bytes.length / 1e6).toFixed(1)} MB of today's bytes), ${flags.rounds} rounds`,
    ["chunking", "reader", "k events/s (median)", "spread (±half range)", "ratio"],
    rows,
  );
  const met = worst >= TARGET_RATIO;
  process.stdout.write(
    `worst ratio watchPlan / bare parser: ${fmt(worst, 3)} (target ≥ ${TARGET_RATIO}: ${met ? "met" : "MISSED"})\n`,
  );
  writeResult(
    "stream-cost",
    {
      flags,
      stream: {
        bytes: recorded.bytes.length,
        events: recorded.events,
        statuses: recorded.statuses,
        heartbeats: recorded.heartbeats,
      },
      target: { ratioMin: TARGET_RATIO, worstRatio: worst, met },
      results,
    },
    machine,
  );
}

await main();
