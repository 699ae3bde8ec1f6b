import { describe, expect, it } from "vitest";
import { TransportError } from "../../src/errors/index.js";
import { createResilientFetch } from "../../src/transport/index.js";
import { rpc, rpcInit } from "./helpers.js";

const STATUS = rpc("tools/call", { name: "plan_status", arguments: { plan_id: "p" } }, 7);
const CHUNK = 64 * 1024;

/** A JSON answer that never ends (`{"x":"aaaa…`), counting the bytes it was asked for. */
function endlessJson(headers: Record<string, string> = {}) {
  let pulled = 0;
  let cancelled = false;
  const filler = new Uint8Array(CHUNK).fill(0x61);
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"x":"'));
      },
      pull(controller) {
        pulled += CHUNK;
        controller.enqueue(filler.slice());
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  const response = new Response(body, {
    headers: { "content-type": "application/json", ...headers },
  });
  return { response, pulled: () => pulled, cancelled: () => cancelled };
}

describe("JSON answer size cap", () => {
  it("stops reading a giant JSON answer at maxResponseBytes with RESPONSE_TOO_LARGE, bytes read bounded", async () => {
    const giant = endlessJson();
    let sent = 0;
    const fetch = createResilientFetch({
      fetch: async () => {
        sent++;
        return giant.response;
      },
      episode: false,
      maxResponseBytes: 1024 * 1024,
    });
    const error = await fetch("http://127.0.0.1:9/mcp", rpcInit(STATUS)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe("RESPONSE_TOO_LARGE");
    expect((error as TransportError).message).toContain("maxResponseBytes");
    // Read up to the cap plus the chunk that crossed it (and what the stream had queued), never on.
    expect(giant.pulled()).toBeGreaterThan(1024 * 1024 - CHUNK);
    expect(giant.pulled()).toBeLessThanOrEqual(1024 * 1024 + 2 * CHUNK);
    expect(giant.cancelled()).toBe(true);
    expect(sent).toBe(1); // too large is an answer, not a transient failure: not sent again
  });

  it("refuses an answer whose content-length is over the cap without reading it", async () => {
    const declared = endlessJson({ "content-length": String(32 * 1024 * 1024) });
    const fetch = createResilientFetch({ fetch: async () => declared.response, episode: false });
    await expect(fetch("http://127.0.0.1:9/mcp", rpcInit(STATUS))).rejects.toMatchObject({
      code: "RESPONSE_TOO_LARGE",
    });
    expect(declared.pulled()).toBe(0);
  });

  it("passes an answer at the cap, and refuses a cap that is not a positive number", async () => {
    const text = JSON.stringify({ jsonrpc: "2.0", id: 7, result: {} });
    const fetch = createResilientFetch({
      fetch: async () => new Response(text, { headers: { "content-type": "application/json" } }),
      episode: false,
      maxResponseBytes: text.length,
    });
    const response = await fetch("http://127.0.0.1:9/mcp", rpcInit(STATUS));
    expect(await response.text()).toBe(text);
    expect(() => createResilientFetch({ maxResponseBytes: 0 })).toThrow(/maxResponseBytes/);
  });
});
