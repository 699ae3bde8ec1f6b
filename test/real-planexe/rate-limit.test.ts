import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanExeClient } from "../../src/index.js";
import { waitFor } from "../emulator/helpers.js";
import { type RealServer, SHARED_KEY, startReal, stopReal, USER_KEY } from "./support/kit.js";

// PlanExe's own limiter, scaled down from 60 per 60 s so its 429s come in seconds:
// a sliding window per key (else per peer address), every request counted, refused
// requests not counted, no Retry-After.
const LIMIT = 6;
const WINDOW_S = 3;
let real: RealServer;

beforeAll(async () => {
  real = await startReal(
    `PLANEXE_MCP_RATE_LIMIT=${LIMIT} PLANEXE_MCP_RATE_WINDOW_SECONDS=${WINDOW_S}`,
  );
});

afterAll(async () => {
  await stopReal();
});

function toolsList(headers: Record<string, string> = {}) {
  return fetch(`${real.url}/mcp`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
}

/** A client whose requests are counted as they leave, 429s apart. */
function countingClient(apiKey: string) {
  const seen = { requests: 0, refused: 0 };
  const client = new PlanExeClient({
    baseUrl: real.url,
    apiKey,
    fetch: async (input, init) => {
      seen.requests += 1;
      const response = await fetch(input, init);
      if (response.status === 429) seen.refused += 1;
      return response;
    },
  });
  return { client, seen };
}

describe("PlanExe's rate limiter, as the real server answers it", () => {
  it("over the limit: HTTP 429 {detail: 'Rate limit exceeded'} with no Retry-After", async () => {
    // No key: the peer address's bucket, which no other test here uses.
    const answers: Response[] = [];
    for (let i = 0; i <= LIMIT; i += 1) answers.push(await toolsList());
    expect(answers.slice(0, LIMIT).map((r) => r.status)).toEqual(Array(LIMIT).fill(200));
    const refused = answers[LIMIT] as Response;
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeNull();
    expect(await refused.json()).toEqual({ detail: "Rate limit exceeded" });
    for (const answer of answers.slice(0, LIMIT)) await answer.body?.cancel();
  });

  it("a burst over the limit: every call answers, in seconds, and another key is not held", async () => {
    const a = countingClient(USER_KEY);
    const b = countingClient(SHARED_KEY);
    try {
      const started = Date.now();
      const burst = Promise.all(Array.from({ length: 2 * LIMIT }, () => a.client.examplePrompts()));
      await waitFor(() => a.seen.refused > 0, { timeoutMs: 10_000, what: "a 429" });
      // The shared key has a bucket of its own on PlanExe: its call must not wait for the user key's.
      const other = Date.now();
      await expect(b.client.modelProfiles()).resolves.toMatchObject({
        default_profile: "baseline",
      });
      const otherMs = Date.now() - other;
      const results = await burst;
      const burstMs = Date.now() - started;
      console.info(
        `rate limit ${LIMIT}/${WINDOW_S}s: ${results.length} calls in ${burstMs} ms, ${a.seen.refused} 429s of ${a.seen.requests} requests; the other key's call took ${otherMs} ms`,
      );
      expect(results.every((r) => r.samples.length > 0)).toBe(true);
      // The calls the limiter refused cost the window's length, not 20 s per 429.
      expect(burstMs).toBeLessThan(4 * WINDOW_S * 1000);
      expect(otherMs).toBeLessThan(2_000);
    } finally {
      await a.client.close();
      await b.client.close();
    }
  });
});
