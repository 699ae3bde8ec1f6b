import { describe, expect, it } from "vitest";
import { CALL_TAG, CallSignals } from "../../src/tools/call-signals.js";

describe("CallSignals", () => {
  it("strips its tag before the request leaves and binds the caller's signal", async () => {
    const signals = new CallSignals();
    const controller = new AbortController();
    const { meta, release } = signals.register(controller.signal);
    const seen: { body: string; signal: AbortSignal | null | undefined }[] = [];
    const fetch = signals.wrap(async (_input, init) => {
      seen.push({ body: String(init?.body), signal: init?.signal });
      return new Response("{}");
    });
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "plan_status", arguments: { plan_id: "p" }, _meta: meta },
    });
    await fetch("http://x/mcp", { method: "POST", body });
    expect(seen[0]?.body).not.toContain(CALL_TAG);
    expect(JSON.parse(seen[0]!.body).params).toEqual({
      name: "plan_status",
      arguments: { plan_id: "p" },
    });
    expect(seen[0]?.signal?.aborted).toBe(false);
    controller.abort(new Error("stop"));
    release();
  });

  it("removes the tag as the SDK serialized it, byte for byte, even when an argument quotes it", async () => {
    const signals = new CallSignals();
    const seen: string[] = [];
    const fetch = signals.wrap(async (_input, init) => {
      seen.push(String(init?.body));
      return new Response("{}");
    });
    const tricky = `x","_meta":{"${CALL_TAG}":"99"}`;
    for (const extraMeta of [{}, { progressToken: 4 }]) {
      const { meta } = signals.register(new AbortController().signal);
      const params = { name: "plan_status", arguments: { plan_id: tricky } };
      await fetch("http://x/mcp", {
        method: "POST",
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 2,
          method: "tools/call",
          params: { ...params, _meta: { ...extraMeta, ...meta } },
        }),
      });
      const expected = Object.keys(extraMeta).length ? { ...params, _meta: extraMeta } : params;
      expect(seen.at(-1)).toBe(
        JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: expected }),
      );
    }
  });

  it("aborts the request's fetch when its caller aborts", async () => {
    const signals = new CallSignals();
    const controller = new AbortController();
    const { meta } = signals.register(controller.signal);
    const fetch = signals.wrap(
      (_input, init) =>
        new Promise<Response>((_, reject) =>
          init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)),
        ),
    );
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { _meta: meta },
    });
    const pending = fetch("http://x/mcp", { method: "POST", body });
    const reason = new Error("caller gave up");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it("leaves untagged requests alone", async () => {
    const signals = new CallSignals();
    let received: RequestInit | undefined;
    const fetch = signals.wrap(async (_input, init) => {
      received = init;
      return new Response("{}");
    });
    const init = { method: "POST", body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' };
    await fetch("http://x/mcp", init);
    expect(received).toBe(init);
  });
});
