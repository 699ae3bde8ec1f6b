import { describe, expect, it } from "vitest";
import { callsMethod, toReplayable } from "../../src/transport/http/request.js";

const URL_ = "http://127.0.0.1:1/mcp";
const post = (body: string) => toReplayable(URL_, { method: "POST", body });

describe("callsMethod", () => {
  it("finds a method by name, in one message or a batch", async () => {
    const one = await post('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}');
    expect(callsMethod(one, "initialize")).toBe(true);
    const batch = await post(
      '[{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}]',
    );
    expect(callsMethod(batch, "tools/list")).toBe(true);
    expect(callsMethod(batch, "initialize")).toBe(false);
  });

  it("is not fooled by the name inside a value, and finds a name spelled with escapes", async () => {
    const inArgs = await post(
      '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"plan_create","arguments":{"prompt":"initialize"}}}',
    );
    expect(callsMethod(inArgs, "initialize")).toBe(false);
    const escaped = await post('{"jsonrpc":"2.0","id":4,"method":"initi\\u0061lize"}');
    expect(callsMethod(escaped, "initialize")).toBe(true);
    const slash = await post('{"jsonrpc":"2.0","id":5,"method":"tools\\/list"}');
    expect(callsMethod(slash, "tools/list")).toBe(true);
  });

  it("leaves a body that cannot name the method unparsed", async () => {
    const request = await post(
      '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"plan_status"}}',
    );
    let parsed = false;
    const watched = Object.create(request, {
      rpc: {
        get: () => {
          parsed = true;
          return request.rpc;
        },
      },
    });
    expect(callsMethod(watched, "initialize")).toBe(false);
    expect(parsed).toBe(false);
    expect(request.rpc).toEqual([{ method: "tools/call", id: 6, toolName: "plan_status" }]);
  });
});
