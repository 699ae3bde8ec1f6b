import { describe, expect, it } from "vitest";
import { BufferedResponse } from "../../src/transport/http/buffered-response.js";

const JSON_TEXT = '{"jsonrpc":"2.0","id":1,"result":{"é":"ü"}}';

function original(headers: Record<string, string> = {}): Response {
  const response = new Response("ignored", {
    status: 201,
    statusText: "Created",
    headers: { "content-type": "application/json", "content-length": "7", ...headers },
  });
  Object.defineProperty(response, "url", { value: "http://127.0.0.1:1/mcp" });
  return response;
}

const bytes = () => new TextEncoder().encode(JSON_TEXT);

describe("BufferedResponse", () => {
  it("keeps the status, headers and URL, and is a Response", () => {
    const response = new BufferedResponse(original(), bytes(), true);
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.statusText).toBe("Created");
    expect(response.ok).toBe(true);
    expect(response.url).toBe("http://127.0.0.1:1/mcp");
    expect(response.headers.get("content-length")).toBe("7");
  });

  it("drops content-length and content-encoding when the bytes are not the original's", () => {
    const changed = new BufferedResponse(original(), bytes(), false);
    expect(changed.headers.get("content-length")).toBeNull();
    const decoded = new BufferedResponse(original({ "content-encoding": "gzip" }), bytes(), true);
    expect(decoded.headers.get("content-encoding")).toBeNull();
    expect(decoded.headers.get("content-length")).toBeNull();
  });

  it("reads once, every way, like any Response", async () => {
    const asJson = new BufferedResponse(original(), bytes(), true);
    expect(asJson.bodyUsed).toBe(false);
    expect(await asJson.json()).toEqual(JSON.parse(JSON_TEXT));
    expect(asJson.bodyUsed).toBe(true);
    await expect(asJson.text()).rejects.toThrow(TypeError);
    expect(() => asJson.clone()).toThrow(TypeError);

    expect(await new BufferedResponse(original(), bytes(), true).text()).toBe(JSON_TEXT);
    const buffer = await new BufferedResponse(original(), bytes(), true).arrayBuffer();
    expect(new TextDecoder().decode(buffer)).toBe(JSON_TEXT);
    const blob = await new BufferedResponse(original(), bytes(), true).blob();
    expect(blob.type).toBe("application/json");
    expect(await blob.text()).toBe(JSON_TEXT);
  });

  it("hands out copies, so a reader cannot change what a clone reads", async () => {
    const response = new BufferedResponse(original(), bytes(), true);
    const copy = response.clone();
    const first = await response.bytes();
    first.fill(0);
    expect(await copy.text()).toBe(JSON_TEXT);
    expect(copy.url).toBe("http://127.0.0.1:1/mcp");
  });

  it("builds the body stream on first use, and reads go through it from then on", async () => {
    const response = new BufferedResponse(original(), bytes(), true);
    const body = response.body;
    expect(body).toBeInstanceOf(ReadableStream);
    expect(response.body).toBe(body);
    const clone = response.clone();
    expect(await new Response(response.body).text()).toBe(JSON_TEXT);
    expect(response.bodyUsed).toBe(true);
    await expect(response.json()).rejects.toThrow(TypeError);
    expect(await clone.json()).toEqual(JSON.parse(JSON_TEXT));
  });

  it("keeps its URL in a clone made after the body stream was built, and normalizes the blob's type", async () => {
    const response = new BufferedResponse(
      original({ "content-type": "application/json; charset=utf-8" }),
      bytes(),
      true,
    );
    expect(response.body).toBeInstanceOf(ReadableStream);
    expect(response.clone().url).toBe("http://127.0.0.1:1/mcp");
    expect((await response.blob()).type).toBe(
      (
        await new Response("", {
          headers: { "content-type": "application/json; charset=utf-8" },
        }).blob()
      ).type,
    );
  });

  it("answers a status that cannot carry a body (a 204 from a lenient fetch) without throwing", async () => {
    const from = new Response(null, {
      status: 204,
      headers: { "content-type": "application/json" },
    });
    const response = new BufferedResponse(from, bytes(), true);
    expect(await response.json()).toEqual(JSON.parse(JSON_TEXT));
    expect(response.body).toBeNull();
  });

  it("has a used, locked body once the bytes were read", async () => {
    const response = new BufferedResponse(original(), bytes(), true);
    await response.text();
    expect(response.body?.locked).toBe(true);
    expect(response.bodyUsed).toBe(true);
  });
});
