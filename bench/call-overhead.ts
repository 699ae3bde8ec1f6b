/**
 * Call overhead: the same `plan_status` call, N times, through PlanExeClient and
 * through a plain official MCP SDK Client (StreamableHTTPClientTransport with the
 * built-in fetch), against the emulator on loopback; a third client, the plain one
 * with `createResilientFetch()` as its fetch, splits the cost between the transport
 * and the typed helpers. Calls are interleaved, one of each per round, with the
 * order rotating (ABC, BCA, CAB, …) so drift on a busy machine hits all alike.
 * Target: PlanExeClient's and the transport's median and p99 each ≤ 1.05 × the
 * plain client's. The warm-up is long enough for every client's code to be
 * JIT-compiled (a long-lived client's state; with 50 rounds the client running the
 * most code was still partly interpreted). 40,000 calls each, because the p99 is
 * where this box's own pauses land (a scavenge in this process every ~60 calls,
 * the replica's process on the other core): at 4,000 calls the p99 ratio of the same
 * code ranged from 0.90 to 1.20 over nine runs, a count of which client's calls
 * the pauses happened to hit. Each ratio is printed with a 95 % bootstrap interval.
 *
 *   tsx bench/call-overhead.ts [--calls 40000] [--warmup 300]
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { DOUBLE_API_KEY, startEmulator } from "../src/emulator/index.js";
import { createResilientFetch, PlanExeClient } from "../src/index.js";
import { readFlags } from "./lib/args.js";
import { machineInfo, printTable, writeResult } from "./lib/report.js";
import { bootstrapRatio, fmt, type Summary, summarize } from "./lib/stats.js";

const TARGET_RATIO = 1.05;

async function main(): Promise<void> {
  const machine = machineInfo();
  const flags = readFlags({ calls: 40_000, warmup: 300 });
  // No rate limit: PlanExe's 60 calls a minute would make this a bench of 429 waits, not of overhead.
  const emulator = await startEmulator({
    port: 0,
    replicas: 1,
    planSeconds: 3600,
    rateLimit: false,
  });
  // Every client sends the key, as PlanExe (and the emulator, by default) requires.
  const apiKey = DOUBLE_API_KEY;
  const requestInit = { headers: { "X-API-Key": apiKey } };
  const planexe = new PlanExeClient({ baseUrl: emulator.url, apiKey });
  const plain = new Client({ name: "bench-plain-mcp", version: "1.0.0" });
  // The plain client with only the SDK's transport layer added: splits the overhead between transport and typed helpers.
  const resilient = new Client({ name: "bench-resilient-mcp", version: "1.0.0" });
  try {
    await plain.connect(
      new StreamableHTTPClientTransport(new URL("/mcp", emulator.url), { requestInit }),
    );
    await resilient.connect(
      new StreamableHTTPClientTransport(new URL("/mcp", emulator.url), {
        fetch: createResilientFetch(),
        requestInit,
      }),
    );
    const { plan_id: planId } = await planexe.createPlan("Benchmark: call overhead");
    const calls = {
      PlanExeClient: () => planexe.getStatus(planId),
      "MCP SDK Client": () =>
        plain.callTool({ name: "plan_status", arguments: { plan_id: planId } }),
      "MCP SDK Client + createResilientFetch": () =>
        resilient.callTool({ name: "plan_status", arguments: { plan_id: planId } }),
    };
    type Name = keyof typeof calls;
    const names = Object.keys(calls) as Name[];
    const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<
      Name,
      number[]
    >;
    const total = flags.warmup + flags.calls;
    for (let i = 0; i < total; i++) {
      // Rotate who goes first each round, so no client always follows the same one.
      const order = names.map((_, k) => names[(i + k) % names.length] as Name);
      for (const name of order) {
        const start = performance.now();
        await calls[name]();
        const elapsed = performance.now() - start;
        if (i >= flags.warmup) samples[name].push(elapsed);
      }
    }
    const stats = Object.fromEntries(names.map((n) => [n, summarize(samples[n])])) as Record<
      Name,
      Summary
    >;
    const ours = stats.PlanExeClient;
    const base = stats["MCP SDK Client"];
    const ratioMedian = ours.median / base.median;
    const ratioP99 = ours.p99 / base.p99;
    const transport = stats["MCP SDK Client + createResilientFetch"];
    printTable(
      `Call overhead: plan_status × ${flags.calls} each, interleaved, after ${flags.warmup} warm-up rounds (ms)`,
      ["client", "median", "p95", "p99", "min", "max"],
      names.map((n) => [
        n,
        fmt(stats[n].median, 3),
        fmt(stats[n].p95, 3),
        fmt(stats[n].p99, 3),
        fmt(stats[n].min, 3),
        fmt(stats[n].max, 3),
      ]),
    );
    const transportMedian = transport.median / base.median;
    const transportP99 = transport.p99 / base.p99;
    const met = Math.max(ratioMedian, ratioP99, transportMedian, transportP99) <= TARGET_RATIO;
    const plainSamples = samples["MCP SDK Client"];
    const interval = (name: Name, q: number) => bootstrapRatio(samples[name], plainSamples, q);
    const intervals = {
      median: interval("PlanExeClient", 0.5),
      p99: interval("PlanExeClient", 0.99),
      transportMedian: interval("MCP SDK Client + createResilientFetch", 0.5),
      transportP99: interval("MCP SDK Client + createResilientFetch", 0.99),
    };
    const withInterval = (ratio: number, [low, high]: [number, number]) =>
      `${fmt(ratio, 3)} (${fmt(low, 3)}–${fmt(high, 3)})`;
    process.stdout.write(
      `ratio PlanExeClient / MCP SDK Client: median ${withInterval(ratioMedian, intervals.median)}, ` +
        `p99 ${withInterval(ratioP99, intervals.p99)}; transport alone (createResilientFetch): ` +
        `median ${withInterval(transportMedian, intervals.transportMedian)}, ` +
        `p99 ${withInterval(transportP99, intervals.transportP99)} ` +
        `(target each ≤ ${TARGET_RATIO}: ${met ? "met" : "MISSED"}; in brackets a 95 % bootstrap interval)\n`,
    );
    writeResult(
      "call-overhead",
      {
        flags,
        target: { ratioMax: TARGET_RATIO, appliesTo: "median and p99, both clients", met },
        ratio: { median: ratioMedian, p99: ratioP99 },
        transportOnlyRatio: { median: transportMedian, p99: transportP99 },
        bootstrap95: intervals,
        stats,
      },
      machine,
    );
  } finally {
    await Promise.allSettled([planexe.close(), plain.close(), resilient.close()]);
    await emulator.stop({ graceMs: 1000 });
  }
}

await main();
