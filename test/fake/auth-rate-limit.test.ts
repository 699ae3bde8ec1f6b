import { afterEach, describe, expect, it } from "vitest";
import { BASE, connectClient, setup, structured } from "./helpers.js";

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const KEY = "pex_good_key";

function rpc(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

const statusCall = (id: number) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "plan_list", arguments: {} },
});

describe("auth", () => {
  it("on /mcp: a missing or invalid key is HTTP 200 with JSON-RPC error -32001 naming the API key", async () => {
    const { fetch, world } = setup({ apiKeys: [KEY] });
    cleanup = () => world.close();
    for (const headers of [
      {},
      { "x-api-key": "pex_wrong" },
      { authorization: "Bearer pex_wrong" },
    ]) {
      const response = await fetch(`${BASE}/mcp`, rpc(statusCall(7), headers));
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        id: number;
        error: { code: number; message: string };
      };
      expect(body.id).toBe(7);
      expect(body.error.code).toBe(-32001);
      expect(body.error.message).toMatch(/API key/);
    }
  });

  it("on /mcp: initialize, tools/list and the free tools work without a key; X-API-Key and Bearer both work", async () => {
    const { fetch, world } = setup({ apiKeys: [KEY] });
    cleanup = () => world.close();
    const anonymous = await connectClient(fetch);
    expect((await anonymous.listTools()).tools.length).toBe(11);
    for (const name of ["example_prompts", "example_plans", "model_profiles"]) {
      expect((await anonymous.callTool({ name, arguments: {} })).isError).toBeFalsy();
    }
    await expect(anonymous.callTool({ name: "plan_list", arguments: {} })).rejects.toMatchObject({
      code: -32001,
    });

    for (const headers of [{ "x-api-key": KEY }, { authorization: `Bearer ${KEY}` }]) {
      const client = await connectClient(fetch, headers);
      const list = await client.callTool({ name: "plan_list", arguments: {} });
      expect(structured(list)).toMatchObject({ plans: [] });
    }
  });

  it("elsewhere: 401 {detail: Missing API key…} and 403 {detail: Invalid API key…}", async () => {
    const { fetch, world } = setup({ apiKeys: [KEY] });
    cleanup = () => world.close();
    const call = (headers: Record<string, string>, tool = "plan_list") =>
      fetch(`${BASE}/mcp/tools/call`, rpc({ tool, arguments: {} }, headers));
    const missing = await call({});
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { detail: string }).detail).toMatch(/^Missing API key/);
    const invalid = await call({ "x-api-key": "pex_wrong" });
    expect(invalid.status).toBe(403);
    expect(((await invalid.json()) as { detail: string }).detail).toMatch(/^Invalid API key/);
    expect((await call({ "x-api-key": KEY })).status).toBe(200);
    expect((await call({}, "example_prompts")).status).toBe(200);

    const health = await (await fetch(`${BASE}/healthcheck`)).json();
    expect(health).toEqual({
      status: "healthy",
      service: "planexe-mcp-cloud",
      authentication_required: true,
    });
  });

  it("plans belong to the key that created them; a wrong user_api_key is INVALID_USER_API_KEY", async () => {
    const { fetch, world } = setup({ apiKeys: [KEY, "pex_other"] });
    cleanup = () => world.close();
    const mine = await connectClient(fetch, { "x-api-key": KEY });
    const theirs = await connectClient(fetch, { "x-api-key": "pex_other" });
    await mine.callTool({ name: "plan_create", arguments: { prompt: "mine" } });
    expect(structured(await theirs.callTool({ name: "plan_list", arguments: {} })).plans).toEqual(
      [],
    );
    expect(
      structured(await mine.callTool({ name: "plan_list", arguments: {} })).plans,
    ).toHaveLength(1);
    const wrong = await mine.callTool({
      name: "plan_list",
      arguments: { user_api_key: "pex_nobody" },
    });
    expect(structured(wrong).error).toMatchObject({ code: "INVALID_USER_API_KEY" });
  });
});

describe("rate limit", () => {
  it("is off by default", async () => {
    const { fetch, world } = setup();
    cleanup = () => world.close();
    for (let i = 0; i < 70; i++) {
      expect((await fetch(`${BASE}/mcp/tools/call`, rpc({ tool: "example_prompts" }))).status).toBe(
        200,
      );
    }
  });

  it("answers the 61st request in 60 s with 429 {detail: Rate limit exceeded} and no Retry-After", async () => {
    const { fetch, world, clock } = setup({ rateLimit: true });
    cleanup = () => world.close();
    const send = () =>
      fetch(
        `${BASE}/mcp`,
        rpc({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { "x-real-ip": "10.0.0.1" }),
      );
    for (let i = 0; i < 60; i++) expect((await send()).status).toBe(200);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeNull();
    expect(await refused.json()).toEqual({ detail: "Rate limit exceeded" });
    const otherClient = await fetch(
      `${BASE}/mcp/tools/call`,
      rpc({ tool: "example_prompts" }, { "x-real-ip": "10.0.0.2" }),
    );
    expect(otherClient.status).toBe(200);
    await clock.advance(60_000);
    expect((await send()).status).toBe(200);
  });

  it("takes custom numbers", async () => {
    const { fetch, world } = setup({ rateLimit: { limit: 2, windowMs: 1_000 } });
    cleanup = () => world.close();
    const send = () => fetch(`${BASE}/mcp/tools/call`, rpc({ tool: "example_prompts" }));
    expect([(await send()).status, (await send()).status, (await send()).status]).toEqual([
      200, 200, 429,
    ]);
  });
});
