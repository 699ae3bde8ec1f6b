import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type Decision,
  type DecisionInput,
  DOWNLOAD_BODY_ATTEMPTS,
  decide,
  isOutage,
} from "../../src/transport/policy/decide.js";
import type { FailureKind } from "../../src/transport/policy/failure-kind.js";
import { backoffDelay, resolveRetryOptions } from "../../src/transport/policy/retry-options.js";

/**
 * docs/semantics.md's decision table, cell by cell, against `decide()`: the doc is
 * the function in words, so a change to either that the other does not follow fails here.
 */

const doc = readFileSync(new URL("../../docs/semantics.md", import.meta.url), "utf8");
const section = doc.slice(doc.indexOf("## The decision"), doc.indexOf("## Tool calls"));
const rows = section
  .split("\n")
  .filter((line) => line.startsWith("| ") && !line.startsWith("| failure") && !/^\|-/.test(line))
  .map((line) =>
    line
      .slice(1, -1)
      .split(" | ")
      .map((cell) => cell.trim()),
  );

const COLUMNS = ["call-safe", "call-unsafe", "stream", "download"] as const;
type Column = (typeof COLUMNS)[number];

const policy = resolveRetryOptions({ random: () => 0.5 });
const NOW = 1_000_000;
const NEXT_PROBE = NOW + 700;

/** The input of one cell: its row's failure, asked from its column's loop, with a shared episode down. */
function inputFor(kindCell: string, delivered: string, column: Column, attempt = 3): DecisionInput {
  const again = kindCell.includes("(again)");
  const kind = kindCell.match(/`([a-z-]+)`/)?.[1] as FailureKind;
  const operation = column.startsWith("call")
    ? "call"
    : column === "stream"
      ? "stream"
      : "download";
  const emptyStreak = kind === "empty-stream" ? (again ? 2 : 1) : 0;
  return {
    operation,
    failure: { kind, delivery: delivered === "maybe" ? "maybe" : "no" },
    resendable: column !== "call-unsafe",
    attempt,
    elapsedMs: 10_000,
    emptyStreak,
    retryHintMs: 5_000,
    // The loop reports an outage to the episode before asking: it is down then.
    episode: isOutage(kind, emptyStreak)
      ? { nextProbeAt: NEXT_PROBE, rateLimitedUntil: 0 }
      : { nextProbeAt: undefined, rateLimitedUntil: 0 },
    now: NOW,
    policy,
  };
}

/** What a cell's words promise, checked against one decision. */
function expectCell(cell: string, decision: Decision, input: DecisionInput) {
  const own = backoffDelay(input.attempt, policy);
  if (cell === "probe")
    return expect(decision).toEqual({
      action: "retry",
      delayMs: NEXT_PROBE - NOW,
      waitOn: "episode",
    });
  if (cell === "backoff")
    return expect(decision).toEqual({ action: "retry", delayMs: own, waitOn: "own" });
  if (cell === "backoff ≥ `retry:`")
    return expect(decision).toEqual({
      action: "retry",
      delayMs: Math.max(own, 5_000),
      waitOn: "own",
    });
  if (cell === "at once")
    return expect(decision).toEqual({ action: "retry", delayMs: 0, waitOn: "own" });
  if (cell === "429 wait") {
    const shared = input.operation === "call";
    return expect(decision).toEqual({
      action: "retry",
      delayMs: policy.rateLimitDelayMs,
      waitOn: shared ? "episode" : "own",
      ...(shared && { holdUntil: NOW + policy.rateLimitDelayMs }),
    });
  }
  const giveUp = cell.match(/^give up `([A-Z_]+)`$/);
  if (giveUp) return expect(decision).toMatchObject({ action: "give-up", code: giveUp[1] });
  throw new Error(`docs/semantics.md: a cell this test does not know: "${cell}"`);
}

describe("docs/semantics.md's decision table is what decide() does", () => {
  it("has a row for every failure kind", () => {
    const kinds = new Set(rows.map((row) => row[1]?.match(/`([a-z-]+)`/)?.[1]));
    expect([...kinds].sort()).toEqual(
      [
        "empty-stream",
        "heartbeat-timeout",
        "network",
        "outage-status",
        "rate-limited",
        "sse-timeout",
        "stream-ended",
        "timeout",
        "unavailable",
      ].sort(),
    );
  });

  for (const row of rows) {
    const [what, kindCell = "", delivered = "", ...cells] = row;
    for (const [i, column] of COLUMNS.entries()) {
      const cell = cells[i] ?? "";
      if (cell === "—") continue;
      it(`${kindCell} (${delivered}), ${column}: ${cell} — ${what?.slice(0, 50)}`, () => {
        const input = inputFor(kindCell, delivered, column, column === "download" ? 1 : 3);
        expectCell(cell, decide(input), input);
      });
    }
  }

  it("any wait that would end past deadlineMs gives up: DEADLINE_EXCEEDED, RATE_LIMITED for a 429", () => {
    const late = { ...inputFor("`network`", "no", "call-safe"), elapsedMs: 179_500 };
    expect(decide(late)).toMatchObject({ action: "give-up", code: "DEADLINE_EXCEEDED" });
    const limited = { ...inputFor("`rate-limited`", "no", "stream"), elapsedMs: 179_500 };
    expect(decide(limited)).toMatchObject({ action: "give-up", code: "RATE_LIMITED" });
  });

  it("a download body gives up after its third failed read", () => {
    const input = inputFor("`timeout`", "maybe", "download", DOWNLOAD_BODY_ATTEMPTS);
    expect(decide(input)).toMatchObject({ action: "give-up", code: "ATTEMPT_TIMEOUT" });
    const before = inputFor("`timeout`", "maybe", "download", DOWNLOAD_BODY_ATTEMPTS - 1);
    expect(decide(before).action).toBe("retry");
  });

  it("Retry-After sets the wait of a 429 and is a floor (capped) for an outage", () => {
    const limited = inputFor("`rate-limited`", "no", "stream");
    limited.failure.retryAfterMs = 7_000;
    expect(decide(limited)).toMatchObject({ delayMs: 7_000 });
    const gateway = inputFor("`outage-status`", "maybe", "call-safe");
    gateway.failure.retryAfterMs = 600_000;
    expect(decide(gateway)).toMatchObject({
      waitOn: "episode",
      holdUntil: NOW + policy.maxRetryAfterMs,
    });
  });

  it("without a shared episode, an outage is waited out on the operation's own backoff", () => {
    const input = { ...inputFor("`network`", "no", "stream"), episode: undefined };
    expect(decide(input)).toEqual({
      action: "retry",
      delayMs: backoffDelay(3, policy),
      waitOn: "own",
    });
  });
});
