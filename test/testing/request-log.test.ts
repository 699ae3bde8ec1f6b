import { afterEach, describe, expect, it } from "vitest";
import { BASE, startDouble, stopDoubles } from "./helpers.js";

afterEach(stopDoubles);

describe("double.requests", () => {
  it("counts by method, path or pattern, and clock interval", async () => {
    const double = startDouble();
    const window = double.deploy.restart({ windowMs: 60_000 });
    // A client probing once per 10 s through the window: the log shows the rhythm.
    for (let i = 0; i < 7; i++) {
      await fetch(`${BASE}/healthcheck?probe=${i}`);
      await double.clock.advance(10_000);
    }
    await double.clock.runUntil(window.finished);
    await fetch(`${BASE}/mcp/tools`);

    expect(double.requests.count()).toBe(8);
    expect(double.requests.count({ method: "get", path: "/healthcheck" })).toBe(7);
    expect(double.requests.count({ path: /^\/mcp/ })).toBe(1);
    expect(double.requests.count({ status: 502 })).toBe(6);
    for (let t = window.at; t < window.endsAt; t += 10_000) {
      expect(double.requests.count({ path: "/healthcheck", since: t, until: t + 10_000 })).toBe(1);
    }
    expect(double.requests.filter({ path: "/healthcheck" }).map((r) => r.search)).toContain(
      "?probe=6",
    );
    expect([...double.requests].map((r) => r.at)).toEqual(double.requests.entries.map((r) => r.at));
    double.requests.clear();
    expect(double.requests.count()).toBe(0);
  });
});

describe("double.fetch (no msw) and double.attach", () => {
  it("double.fetch serves the same double to clients that take an injected fetch", async () => {
    const double = startDouble();
    const health = await double.fetch(`${BASE}/healthcheck`);
    expect(await health.json()).toMatchObject({ status: "healthy" });
    double.failNext({ path: "/healthcheck", after: "reset-before" });
    await expect(double.fetch(`${BASE}/healthcheck`)).rejects.toThrow("fetch failed");
    await expect(double.fetch("https://elsewhere.example/healthcheck")).rejects.toThrow(
      /serves https:\/\/mcp\.planexe\.org only/,
    );
  });

  it("aborting a stream fetched through double.fetch frees it on the replica", async () => {
    const double = startDouble({ planSeconds: 600 });
    const created = double.world.callTool("plan_create", { prompt: "A library" });
    if (!created.ok) throw new Error(created.error.code);
    const controller = new AbortController();
    const response = await double.fetch(`${BASE}/sse/plan/${created.result.plan_id}`, {
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    expect(double.replicas[0]?.openStreams).toBe(1);
    controller.abort();
    const readToEnd = async () => {
      for (;;) if ((await reader.read()).done) return "ended cleanly";
    };
    await expect(readToEnd()).rejects.toMatchObject({ name: "AbortError" });
    await double.clock.settle();
    expect(double.replicas[0]?.openStreams).toBe(0);
  });

  it("with attach, a client's body.cancel() through msw settles and closes the stream", async () => {
    const double = startDouble({ planSeconds: 600 });
    const created = double.world.callTool("plan_create", { prompt: "A library" });
    if (!created.ok) throw new Error(created.error.code);
    const response = await fetch(`${BASE}/sse/plan/${created.result.plan_id}`);
    expect(double.replicas[0]?.openStreams).toBe(1);
    await response.body?.cancel();
    await double.clock.settle();
    expect(double.replicas[0]?.openStreams).toBe(0);
  });
});
