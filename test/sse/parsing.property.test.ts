import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PlanWatchEvent, type PlanWatchWarning, watchPlan } from "../../src/index.js";
import { createManualClock } from "../../src/testing/index.js";
import { scriptedFetch, sseResponse } from "./helpers.js";

/**
 * The bytes of a recorded PlanExe stream (today's, and the same with the resumable
 * protocol's ids), plus one event with raw multi-byte UTF-8, re-served with any line
 * ending, with or without a BOM, cut into any chunks (also inside a character):
 * the watcher must see the same events every time.
 */

const recorded = (name: string) =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");
const FIXTURES = {
  today: recorded("plan-progress-completed.today.sse"),
  ids: recorded("plan-progress-completed.sse"),
};
const URL_ = "https://mcp.planexe.org/sse/plan/5f2b1c9e-8a4d-4e2f-9b7a-3c6d1e0f2a4b";
const UNICODE_STEP = "Étape 3 — 計画 🚀 ✓";
const unicodeBlock =
  'event: status\ndata: {"plan_id": "5f2b1c9e-8a4d-4e2f-9b7a-3c6d1e0f2a4b", "state": "processing", ' +
  `"progress_percentage": 75.0, "elapsed_sec": 27.0, "current_step": "${UNICODE_STEP}"}\n\n`;

/** The fixture with the unicode event before `complete`, as LF-terminated lines. */
function lines(fixture: string): string[] {
  const at = fixture.indexOf("event: complete");
  const text = fixture.slice(0, at) + unicodeBlock + fixture.slice(at);
  return text.split("\n").slice(0, -1);
}

const ENDINGS = ["\n", "\r", "\r\n"] as const;

/** Joins lines with the chosen endings; a CR is never followed by an LF-ended empty line (that would read as one CRLF). */
function serialize(source: string[], choose: (i: number) => 0 | 1 | 2): string {
  let out = "";
  let previous = "";
  source.forEach((line, i) => {
    let ending: string = ENDINGS[choose(i)];
    if (previous === "\r" && line === "" && ending === "\n") ending = "\r\n";
    out += line + ending;
    previous = ending;
  });
  return out;
}

function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const cuts = [...new Set(points.map((p) => 1 + (p % Math.max(1, bytes.length - 1))))].sort(
    (a, b) => a - b,
  );
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const at of [...cuts, bytes.length]) {
    if (at > from) chunks.push(bytes.subarray(from, at));
    from = at;
  }
  return chunks;
}

async function watchChunks(chunks: Uint8Array[]) {
  const clock = createManualClock();
  const warnings: PlanWatchWarning[] = [];
  const { fetch } = scriptedFetch([() => sseResponse(chunks)]);
  const watch = watchPlan(URL_, { clock, fetch, onWarning: (w) => warnings.push(w) });
  const events: PlanWatchEvent[] = [];
  for await (const event of watch) {
    events.push(event);
    if (event.type === "reconnecting") watch.close(); // the stream should have completed
  }
  return { events, warnings, watch, end: await watch.closed };
}

const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);
const encode = (text: string, bom: boolean) => {
  const body = new TextEncoder().encode(text);
  if (!bom) return body;
  const out = new Uint8Array(BOM.length + body.length);
  out.set(BOM);
  out.set(body, BOM.length);
  return out;
};

/** The fixture as PlanExe sends it (LF endings, no BOM) in one chunk: the reference parse. */
const watchReference = (fixture: string) =>
  watchChunks([
    encode(
      serialize(lines(fixture), () => 0),
      false,
    ),
  ]);

/** What every fixture holds, in order (the unicode event is the fourth status). */
const EVENT_TYPES = ["connected", "status", "status", "heartbeat", "status", "status", "complete"];

describe("watchPlan parses a recorded PlanExe stream the same way however it is chunked", () => {
  for (const [name, fixture] of Object.entries(FIXTURES)) {
    it(`${name}: the reference parse is what PlanExe meant`, async () => {
      const { events, warnings, watch, end } = await watchReference(fixture);
      expect(warnings).toEqual([]);
      expect(end.reason).toBe("complete");
      expect(events.map((e) => e.type)).toEqual(EVENT_TYPES);
      expect(events.filter((e) => e.type === "status").map((e) => e.progress_percentage)).toEqual([
        0, 12.5, 50, 75,
      ]);
      expect(events[5]).toMatchObject({ type: "status", current_step: UNICODE_STEP });
      expect(events[6]).toMatchObject({ type: "complete", state: "completed" });
      expect(watch.lastEventId).toBe(name === "ids" ? "1.0.completed.1000" : undefined);
    });

    it(`${name}: any line endings, BOM and chunking give the same events`, async () => {
      const { events: reference } = await watchReference(fixture);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<"lf" | "cr" | "crlf" | "mixed">("lf", "cr", "crlf", "mixed"),
          fc.array(fc.constantFrom<0 | 1 | 2>(0, 1, 2), { minLength: 64, maxLength: 64 }),
          fc.boolean(),
          fc.array(fc.nat(), { maxLength: 60 }),
          async (style, mixed, bom, points) => {
            const choose = (i: number): 0 | 1 | 2 =>
              style === "mixed"
                ? (mixed[i % mixed.length] ?? 0)
                : style === "lf"
                  ? 0
                  : style === "cr"
                    ? 1
                    : 2;
            const bytes = encode(serialize(lines(fixture), choose), bom);
            const { events, warnings } = await watchChunks(cut(bytes, points));
            expect(warnings).toEqual([]);
            expect(events).toEqual(reference);
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it("survives the worst split: one byte per chunk, CR line endings, BOM", async () => {
    const bytes = encode(
      serialize(lines(FIXTURES.ids), () => 1),
      true,
    );
    const chunks = [...bytes].map((b) => new Uint8Array([b]));
    const { events } = await watchChunks(chunks);
    expect(events.map((e) => e.type)).toEqual(EVENT_TYPES);
    expect(events[5]).toMatchObject({ current_step: UNICODE_STEP });
  });
});
