import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { createResilientFetch } from "../../src/index.js";
import { createManualClock, rpc, rpcInit, scriptedFetch } from "./helpers.js";

const MCP = "http://127.0.0.1:1/mcp";

/** An event stream of `events` events, as a server answering a POST with SSE sends it. */
const eventStream = (events: number) =>
  new Response(Array.from({ length: events }, (_, i) => `data: {"n":${i}}\n\n`).join(""), {
    headers: { "content-type": "text/event-stream" },
  });

describe("a streamed answer's link to the caller's signal", () => {
  it("is released once the body is read to the end, or cancelled, so a long-lived signal keeps no listener per answer", async () => {
    const clock = createManualClock();
    const s = scriptedFetch(clock, () => eventStream(3));
    const fetch = createResilientFetch({ fetch: s.fetch, clock });
    const transportWide = new AbortController();
    const listeners = () => getEventListeners(transportWide.signal, "abort").length;

    const read = await clock.runUntil(
      fetch(MCP, { ...rpcInit(rpc("tools/call", { name: "t" })), signal: transportWide.signal }),
    );
    expect(listeners()).toBe(1);
    expect(await read.text()).toContain('{"n":2}');
    expect(listeners()).toBe(0);

    const cancelled = await clock.runUntil(
      fetch(MCP, { ...rpcInit(rpc("tools/call", { name: "t" }, 2)), signal: transportWide.signal }),
    );
    expect(listeners()).toBe(1);
    await cancelled.body?.cancel();
    expect(listeners()).toBe(0);
  });

  it("is released from the fetch's own signal (createResilientFetch({ signal })) when the body ends", async () => {
    const clock = createManualClock();
    const s = scriptedFetch(clock, () => eventStream(2));
    const client = new AbortController();
    const fetch = createResilientFetch({ fetch: s.fetch, clock, signal: client.signal });
    for (let id = 1; id <= 3; id++) {
      const response = await clock.runUntil(
        fetch(MCP, rpcInit(rpc("tools/call", { name: "t" }, id))),
      );
      await response.text();
    }
    expect(getEventListeners(client.signal, "abort")).toHaveLength(0);
  });

  it("is released at once for an error answer read whole already, even if nobody reads it", async () => {
    const clock = createManualClock();
    const s = scriptedFetch(
      clock,
      () =>
        new Response("<html>no such page</html>", {
          status: 404,
          headers: { "content-type": "text/html" },
        }),
    );
    const client = new AbortController();
    const fetch = createResilientFetch({ fetch: s.fetch, clock, signal: client.signal });
    const response = await clock.runUntil(fetch(MCP, rpcInit(rpc("tools/call", { name: "t" }))));
    expect(response.status).toBe(404);
    expect(getEventListeners(client.signal, "abort")).toHaveLength(0);
  });

  it("still lets the caller end the body while it is read", async () => {
    const clock = createManualClock();
    const s = scriptedFetch(clock, () => eventStream(3));
    const fetch = createResilientFetch({ fetch: s.fetch, clock });
    const caller = new AbortController();
    const response = await clock.runUntil(
      fetch(MCP, { ...rpcInit(rpc("tools/call", { name: "t" })), signal: caller.signal }),
    );
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.getReader();
    caller.abort(new Error("user gave up"));
    await expect(reader.read()).rejects.toThrow("user gave up");
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
  });
});
