import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterEach, describe, expect, it } from "vitest";
import { createManualClock } from "../../src/testing/index.js";
import { createResilientFetch } from "../../src/transport/index.js";
import { BASE, startDouble, stopDoubles } from "../testing/helpers.js";

afterEach(stopDoubles);

describe("the resilient fetch under a plain MCP SDK Client, on the msw PlanExe double", () => {
  it("50 calls through a 120 s restart: all answered, one probe per interval, resumed within an interval", async () => {
    const clock = createManualClock();
    // Made before msw patches the global fetch: the default inner fetch is looked up per request.
    const fetch = createResilientFetch({ clock, probeIntervalMs: 1_000 });
    const double = startDouble({ baseUrl: BASE, clock });
    const client = new Client({ name: "transport-test", version: "0.0.0" });
    await clock.runUntil(
      client.connect(new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), { fetch })),
    );
    // The tool list's annotations (readOnlyHint) are what makes a call safe to resend.
    await clock.runUntil(client.listTools());
    const window = double.deploy.restart({ at: clock.now() + 1_000, windowMs: 120_000 });
    await clock.advance(1_500);

    const resolvedAt: number[] = [];
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      calls.push(
        client.callTool({ name: "example_prompts", arguments: {} }).then((result) => {
          resolvedAt.push(clock.now());
          return result.isError;
        }),
      );
      await clock.advance(2_000);
    }
    const errors = await clock.runUntil(Promise.all(calls));
    // PlanExe sends `isError: false` on every answer that is not an error.
    expect(errors).toEqual(Array(50).fill(false));

    const probes = double.requests.filter({ path: "/healthcheck" }).map((r) => r.at);
    const gaps = probes.slice(1).map((at, i) => at - probes[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
    expect(probes.length).toBeLessThanOrEqual(121);
    const duringWindow = double.requests.count({
      path: "/mcp",
      since: window.at,
      until: window.endsAt,
    });
    expect(duringWindow).toBeLessThanOrEqual(1);
    for (const at of resolvedAt) expect(at).toBeLessThanOrEqual(window.endsAt + 1_000);
    expect(Math.min(...resolvedAt)).toBeGreaterThanOrEqual(window.endsAt);
  });
});
