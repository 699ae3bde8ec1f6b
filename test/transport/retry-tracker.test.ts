import { describe, expect, it } from "vitest";
import { createEpisodeControl } from "../../src/transport/episode/episode.js";
import { resolveRetryOptions } from "../../src/transport/policy/retry-options.js";
import { trackRetries } from "../../src/transport/retry-tracker.js";
import { createManualClock } from "./helpers.js";

/**
 * The one place a loop's failures become the decision's input: what every loop
 * (call, stream, rerun, download) gets from it without counting by hand.
 */

const URL_ = "https://planexe.test/mcp";
const policy = resolveRetryOptions({ random: () => 0.5 });

function setup() {
  const clock = createManualClock();
  const episode = createEpisodeControl({
    clock,
    fetch: async () => new Response("", { status: 502 }),
  });
  return { clock, episode };
}

describe("trackRetries", () => {
  it("an outage goes to the shared episode before the decision, which then waits on its probe", () => {
    const { clock, episode } = setup();
    const call = trackRetries({ operation: "call", policy, clock, episode, url: URL_ });
    const counted = call.failed({ kind: "network", delivery: "no" });
    expect(episode.state).toBe("down");
    expect(counted.decide()).toMatchObject({ action: "retry", waitOn: "episode" });
    expect(call.attempt).toBe(1);
    episode.close();
  });

  it("a call's 429 holds the calls made with its key only; an outage's Retry-After holds the origin", () => {
    const { clock, episode } = setup();
    const call = trackRetries({
      operation: "call",
      policy,
      clock,
      episode,
      url: URL_,
      rateKey: () => "key-a",
    });
    const limited = call.failed({ kind: "rate-limited", delivery: "no", retryAfterMs: 2_000 });
    expect(limited.refused).toBe(true);
    expect(limited.decide()).toMatchObject({ waitOn: "episode", delayMs: 2_000 });
    expect(episode.rateGates.until("key-a")).toBe(clock.now() + 2_000);
    expect(episode.rateGates.until("key-b")).toBe(0);
    expect(episode.heldUntil).toBe(0);

    // A stream's 502 with a Retry-After holds every request to the origin, as a call's does.
    const stream = trackRetries({ operation: "stream", policy, clock, episode, url: URL_ });
    const outage = stream.failed({ kind: "outage-status", delivery: "no", retryAfterMs: 5_000 });
    expect(outage.decide()).toMatchObject({ waitOn: "episode", holdUntil: clock.now() + 5_000 });
    expect(episode.heldUntil).toBe(clock.now() + 5_000);
    episode.close();
  });

  it("a stream's deadline runs from the first failure of each outage; a connection that delivered starts a new one", async () => {
    const clock = createManualClock();
    const stream = trackRetries({
      operation: "stream",
      policy,
      clock,
      measureFrom: "first-failure",
    });
    expect(stream.startedAt).toBeUndefined();
    await clock.advance(60_000); // a long, healthy connection: not counted against the deadline
    stream.failed({ kind: "stream-ended", delivery: "no" });
    expect(stream.startedAt).toBe(clock.now());
    expect(stream.remainingMs()).toBe(policy.deadlineMs);
    stream.failed({ kind: "empty-stream", delivery: "no" });
    expect(stream.failed({ kind: "empty-stream", delivery: "no" }).refused).toBe(true); // the connection limit
    expect(stream.attempt).toBe(3);
    stream.gotThrough();
    expect(stream.attempt).toBe(0);
    expect(stream.startedAt).toBeUndefined();
    expect(stream.failed({ kind: "empty-stream", delivery: "no" }).refused).toBe(false); // a first empty 200 again
  });

  it("honours the server's retry: hint after it closed a stream, clamped to the policy's range", () => {
    const clock = createManualClock();
    const stream = trackRetries({ operation: "stream", policy, clock });
    stream.retryHint(10 * 60_000);
    expect(stream.failed({ kind: "stream-ended", delivery: "no" }).decide()).toMatchObject({
      action: "retry",
      delayMs: 60_000,
    });
  });

  it("a download body is given up on after its attempts, with no episode asked", () => {
    const clock = createManualClock();
    const body = trackRetries({ operation: "download", policy, clock });
    const verdicts = [1, 2, 3].map(
      () => body.failed({ kind: "network", delivery: "maybe" }).decide().action,
    );
    expect(verdicts).toEqual(["retry", "retry", "give-up"]);
  });
});
