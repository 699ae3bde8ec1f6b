import { describe, expect, it } from "vitest";
import { type PlanWatchWarning, watchPlan } from "../../src/index.js";
import { createManualClock } from "../../src/testing/index.js";
import { completeBlock, scriptedFetch, sseResponse, statusBlock } from "./helpers.js";

const URL_ = "https://mcp.planexe.org/sse/plan/5a0f3c1e-8d2b-4c47-9e0a-2f6d7b1c9e44";

/** Serves `first`, which ends without `complete`, then a finished stream; returns the reconnect and the requests. */
async function afterCleanEnd(first: string, options: { lastEventId?: string } = {}) {
  const clock = createManualClock();
  const warnings: PlanWatchWarning[] = [];
  const script = scriptedFetch([
    () => sseResponse([first]),
    () => sseResponse([`${statusBlock(90)}${completeBlock()}`]),
  ]);
  const watch = watchPlan(URL_, {
    clock,
    fetch: script.fetch,
    retry: { random: () => 0 },
    onWarning: (w) => warnings.push(w),
    ...options,
  });
  const end = await clock.runUntil(watch.closed);
  const events = [];
  for await (const event of watch) events.push(event);
  const reconnecting = events.find((e) => e.type === "reconnecting");
  return {
    end,
    reconnecting,
    warnings,
    watch,
    headers: script.requests.map((r) => r.headers.get("last-event-id")),
  };
}

describe("retry: only all-ASCII-digit values count, clamped to 100 ms–60 s", () => {
  const cases: [string, number][] = [
    ["retry: 3000", 3000],
    ["retry:3000", 3000],
    ["retry: 0", 100],
    ["retry: 99999999999999", 60_000],
    ["retry: 3000ms", 0],
    ["retry: -1", 0],
    ["retry: 3.5", 0],
    ["retry: +3000", 0],
    ["retry:  3000", 0], // only one leading space is stripped
    ["retry: ３０００", 0], // full-width digits are not ASCII digits
    ["retry:", 0],
    ["retry", 0],
    ["retry: 2000\n\nretry: soon", 2000], // an invalid value keeps the last valid one
  ];
  for (const [line, delay] of cases) {
    it(`${JSON.stringify(line)} → waits ${delay} ms after a clean end`, async () => {
      const { reconnecting, end, warnings } = await afterCleanEnd(`${line}\n\n${statusBlock(10)}`);
      expect(reconnecting).toMatchObject({ delayMs: delay, cause: { code: "STREAM_ENDED" } });
      expect(end.reason).toBe("complete");
      if (delay === 0 && line !== "retry: 0") expect(warnings[0]?.code).toBe("INVALID_FIELD");
    });
  }
});

describe("id: sent back as Last-Event-ID; NUL ignored; empty clears", () => {
  const ID = "1.0.processing.100";
  const cases: [string, string, string | null][] = [
    ["an id", statusBlock(10, { id: ID }), ID],
    [
      "an id with a NUL is ignored",
      `${statusBlock(10, { id: ID })}id: a\0b\nevent: heartbeat\ndata: {"timestamp":"t"}\n\n`,
      ID,
    ],
    [
      "an empty id clears it",
      `${statusBlock(10, { id: ID })}id:\nevent: heartbeat\ndata: {"timestamp":"t"}\n\n`,
      null,
    ],
    [
      "a bare `id` line clears it",
      `${statusBlock(10, { id: ID })}id\nevent: heartbeat\ndata: {"timestamp":"t"}\n\n`,
      null,
    ],
    [
      "an event without id keeps it",
      `${statusBlock(10, { id: ID })}event: heartbeat\ndata: {"timestamp":"t"}\n\n`,
      ID,
    ],
    [
      "the last id wins",
      `${statusBlock(10, { id: ID })}${statusBlock(20, { id: "1.0.processing.200" })}`,
      "1.0.processing.200",
    ],
    ["no ids: no header", statusBlock(10), null],
  ];
  for (const [name, stream, header] of cases) {
    it(name, async () => {
      const { headers } = await afterCleanEnd(`retry: 1000\n\n${stream}`);
      expect(headers).toEqual([null, header]);
    });
  }

  it("starts from options.lastEventId and keeps it while the server sends none", async () => {
    const { headers, watch } = await afterCleanEnd(`retry: 1000\n\n${statusBlock(10)}`, {
      lastEventId: "1.0.processing.50",
    });
    expect(headers).toEqual(["1.0.processing.50", "1.0.processing.50"]);
    expect(watch.lastEventId).toBe("1.0.processing.50");
  });
});
