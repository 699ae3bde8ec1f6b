import { createParser } from "eventsource-parser";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mayHoldSecret, rememberSecret } from "../../src/errors/redact.js";
import { createSecretSpotter } from "../../src/sse/secret-spotter.js";
import { watchPlan } from "../../src/sse/watch-plan.js";
import { sseResponse } from "./helpers.js";

const KNOWN = "sk-spotter-9f8e7d6c";
rememberSecret(KNOWN);

/** Pieces of event data: plain JSON-ish text, and every kind of mark the per-event check looks for. */
const piece = fc.oneof(
  fc.constantFrom('"state": "processing", ', '"progress_percentage": 12.5', "plain text "),
  fc.constantFrom("pex_leaked_9f8e7d6c5b4a", "https://me:pw@host/", "?token=abc123", KNOWN),
);
const event = fc
  .tuple(fc.array(piece, { maxLength: 4 }), fc.boolean())
  .map(([pieces, twoLines]) =>
    twoLines
      ? `event: status\ndata: ${pieces.join("")}\ndata: x\n\n`
      : `event: status\ndata: ${pieces.join("")}\n\n`,
  );
const ending = fc.constantFrom("\n", "\r\n", "\r");

/** The stream cut at the given offsets (sorted, deduplicated), as the pieces a reader gets. */
function cut(text: string, offsets: number[]): string[] {
  const at = [...new Set(offsets.map((o) => o % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let from = 0;
  for (const to of [...at, text.length]) {
    if (to > from) parts.push(text.slice(from, to));
    from = Math.max(from, to);
  }
  return parts;
}

describe("the secret spotter", () => {
  it("marks every read that completes an event whose data may hold a secret, however the stream is cut", () => {
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 6 }),
        ending,
        fc.array(fc.nat(), { maxLength: 40 }),
        (events, newline, offsets) => {
          const text = events.join("").replaceAll("\n", newline);
          const spotter = createSecretSpotter();
          let suspect = false;
          const parser = createParser({
            onEvent(message) {
              if (mayHoldSecret(message.data)) expect(suspect).toBe(true);
            },
          });
          for (const part of cut(text, offsets)) {
            suspect = spotter.read(part);
            parser.feed(part);
          }
          suspect = spotter.read("\n");
          parser.feed("\n");
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("leaves an ordinary progress stream unmarked once a read ends on a blank line", () => {
    const spotter = createSecretSpotter();
    const block =
      'event: status\r\ndata: {"state": "processing", "progress_percentage": 1}\r\n\r\n';
    expect(spotter.read(block.slice(0, 30))).toBe(false);
    expect(spotter.read(`${block.slice(30)}${block}`)).toBe(false);
    expect(spotter.read("data: pex_")).toBe(true);
    expect(spotter.read('ok"}\n\n')).toBe(true);
    expect(spotter.read(block)).toBe(false);
  });
});

describe("watchPlan and a secret split between reads", () => {
  it("scrubs a key that arrives a byte at a time, after reads without a mark", async () => {
    const leaked = "pex_leaked_9f8e7d6c5b4a";
    const data = JSON.stringify({
      state: "processing",
      progress_percentage: 50,
      current_step: `key ${leaked}`,
    });
    const block = `event: status\ndata: ${data}\n\n`;
    const done = 'event: complete\ndata: {"state": "completed"}\n\n';
    const bytes = [...block].map((c) => c);
    const watch = watchPlan("https://planexe.example/sse/plan/p1", {
      fetch: async () => sseResponse([...bytes, done]),
      episode: false,
    });
    const seen: unknown[] = [];
    for await (const e of watch) seen.push(e);
    const text = JSON.stringify(seen);
    expect(text).toContain("key ***");
    expect(text).not.toContain(leaked);
  });

  it("scrubs a key the server spelled with JSON escapes (pex\\u005f…)", async () => {
    const leaked = "pex_leaked_9f8e7d6c5b4a";
    const escaped = leaked.replace("_", "\\u005f");
    const block = `event: status\ndata: {"state": "processing", "progress_percentage": 50, "current_step": "key ${escaped}"}\n\n`;
    const done = 'event: complete\ndata: {"state": "completed"}\n\n';
    const watch = watchPlan("https://planexe.example/sse/plan/p1", {
      fetch: async () => sseResponse([block.slice(0, 40), block.slice(40), done]),
      episode: false,
    });
    const seen: unknown[] = [];
    for await (const e of watch) seen.push(e);
    expect(seen).toContainEqual(
      expect.objectContaining({ type: "status", current_step: "key ***" }),
    );
    expect(JSON.stringify(seen)).not.toContain("leaked_9f8e");
  });
});
