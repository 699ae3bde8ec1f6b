import { inspect } from "node:util";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlanExeClient } from "../../src/client.js";
import {
  AuthError,
  isPlanExeError,
  PlanExeError,
  ProtocolError,
  ToolError,
  TransportError,
} from "../../src/errors/index.js";
import { redact, rememberSecret } from "../../src/errors/redact.js";
import { knownSecretForms } from "../../src/errors/secrets.js";
import { durationMs, MAX_TIMER_MS } from "../../src/time/duration.js";
import { parseRetryAfter } from "../../src/transport/policy/retry-options.js";
import {
  failure,
  type HostileServer,
  keySpellings,
  PLAN_ID,
  startHostileServer,
} from "./server.js";

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(() => server.close());

/** Every way a user prints an error: what they would see must not hold the key. */
function printed(error: unknown): string[] {
  return [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: Number.POSITIVE_INFINITY }),
    inspect(error), // console.error(error) prints this
    error instanceof Error ? String(error.stack) : "",
  ];
}

function expectNoKey(error: unknown, key: string): void {
  expect(isPlanExeError(error)).toBe(true);
  for (const text of printed(error)) expect(text.includes(key), text).toBe(false);
}

/** A header-safe key (printable ASCII: quotes and backslashes included), not trimmed by fetch. */
const headerKey = fc
  .string({
    minLength: 6,
    maxLength: 30,
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  })
  .map((s) => `k${s}z`);
/** Any key at all: unicode, quotes, backslashes, control characters. */
const anyKey = fc
  .string({
    minLength: 6,
    maxLength: 30,
    unit: fc.oneof(
      fc.constantFrom('"', "\\", "'", "é", "😀", "\u0000", "\n"),
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
    ),
  })
  .map((s) => `k${s}z`);

describe("no secret in anything a user can print", () => {
  it("for errors built from a server that echoes the key (401 body, JSON-RPC data, tool error details, 400 text)", async () => {
    await fc.assert(
      fc.asyncProperty(
        headerKey,
        fc.constantFrom("echo401", "rpcdata", "toolecho", "oddecho", "http400"),
        async (key, scenario) => {
          const client = new PlanExeClient({
            baseUrl: `${server.url}/${scenario}`,
            apiKey: key,
            retry: { deadlineMs: 2_000 },
          });
          try {
            expectNoKey(await failure(client.getStatus(PLAN_ID)), key);
          } finally {
            await client.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("for client.watch() events and its end when plan_status echoes the key", async () => {
    await fc.assert(
      fc.asyncProperty(
        headerKey,
        fc.constantFrom("echo401", "failedecho"),
        async (key, scenario) => {
          const client = new PlanExeClient({
            baseUrl: `${server.url}/${scenario}`,
            apiKey: key,
            retry: { deadlineMs: 2_000 },
          });
          const events: unknown[] = [];
          try {
            const watch = client.watch(PLAN_ID);
            try {
              for await (const event of watch) events.push(event);
            } catch {
              // The end is in `closed`.
            }
            const end = await watch.closed;
            if (end.reason === "error") expectNoKey(end.error, key);
            else expect(events.at(-1)).toMatchObject({ type: "complete", state: "failed" });
            for (const event of events) {
              const text = `${JSON.stringify(event)}${inspect(event, { depth: null })}`;
              expect(text.includes(key), text).toBe(false);
            }
          } finally {
            await client.close();
          }
        },
      ),
      { numRuns: 16 },
    );
  });

  it("for every error class, whatever its message, details and cause chain hold", () => {
    fc.assert(
      fc.property(anyKey, (key) => {
        rememberSecret(key);
        const rpc = Object.assign(new Error(`MCP error -32602: ${key}`), {
          code: -32602,
          data: { key, list: [key, { deep: key }] },
        });
        const cause = new TypeError(`fetch to http://user:${key}@h/ failed`, { cause: rpc });
        const context = {
          cause,
          details: { echoed: key, nested: { json: JSON.stringify({ key }) } },
        };
        for (const error of [
          new PlanExeError("INTERNAL_ERROR", `server said ${key}`, context),
          new TransportError("HTTP_ERROR", `${JSON.stringify(key)}`, context),
          new ProtocolError("INVALID_RESPONSE", encodeURIComponent(key), context),
          new AuthError(`Bearer ${key}`, context),
          new ToolError("UNKNOWN_SERVER_ERROR", key, context),
        ])
          expectNoKey(error, key);
      }),
      { numRuns: 100 },
    );
  });

  it("remembers a bounded number of keys, and a client in use keeps its own scrubbed", async () => {
    const key = "long-lived-client-key-0001";
    const mine = new PlanExeClient({ baseUrl: `${server.url}/toolecho`, apiKey: key });
    const others = Array.from(
      { length: 400 },
      (_, i) => new PlanExeClient({ baseUrl: server.url, apiKey: `k-other-${i}-xyz` }),
    );
    expect(knownSecretForms().length).toBeLessThanOrEqual(256 * 4);
    try {
      expectNoKey(await failure(mine.getStatus(PLAN_ID)), key);
    } finally {
      await Promise.all([mine, ...others].map((c) => c.close()));
    }
  });

  it("keeps an unchanged cause as it was, and a scrubbed one an instance of its class", () => {
    const plain = new TypeError("fetch failed");
    expect(new TransportError("NETWORK_ERROR", "x", { cause: plain }).cause).toBe(plain);
    rememberSecret("pex_live_abcdef");
    const echoed = new TypeError("key pex_live_abcdef refused");
    const error = new TransportError("NETWORK_ERROR", "x", { cause: echoed });
    expect(error.cause).toBeInstanceOf(TypeError);
    expect((error.cause as Error).message).toBe("key *** refused");
  });
});

describe("every spelling of a key, for any header-safe key", () => {
  it("redact hides each spelling a server may echo, in values and keys, and shows controls with `controls`", () => {
    fc.assert(
      fc.property(headerKey, (key) => {
        const spellings = keySpellings(key);
        const value = {
          text: spellings.map((form) => `[${form}]`).join(" "),
          [`${spellings[1]}`]: "\u001b[2J\u009b",
        };
        const clean = redact(value, { secrets: [key], controls: true, keepLinks: true });
        const text = JSON.stringify(clean);
        for (const form of spellings) expect(text.includes(form), form).toBe(false);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
        expect(strings(clean).join("")).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      }),
      { numRuns: 200 },
    );
  });

  it("one timer rule: a user's duration past 2^31-1 ms is refused, a server's Retry-After clamped", () => {
    expect(() => durationMs("watchPlan", "heartbeatTimeoutMs", 2 ** 31, 1000)).toThrow(
      /heartbeatTimeoutMs is longer than a timer can wait/,
    );
    expect(durationMs("retry", "deadlineMs", Number.POSITIVE_INFINITY, 0, { infinite: true })).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(parseRetryAfter("99999999999999", 0)).toBe(MAX_TIMER_MS);
    expect(parseRetryAfter("Fri, 01 Jan 9999 00:00:00 GMT", 0)).toBe(MAX_TIMER_MS);
  });
});

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
}
