import { afterEach, describe, expect, it } from "vitest";
import { DOUBLE_API_KEY } from "../../src/fake/index.js";
import {
  AUTH,
  BASE,
  connectClient,
  createPlan,
  post,
  setup,
  structured,
  toolCall,
} from "./helpers.js";

/** Auth and the rate limit, as PlanExe's middleware (`middleware.py`) applies them. */

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const KEY = "pex_good_key";
type RpcAnswer = { id: unknown; error?: { code: number; message: string }; result?: unknown };

function start(...args: Parameters<typeof setup>) {
  const env = setup(...args);
  cleanup = () => env.world.close();
  return env;
}

describe("auth, on by default", () => {
  it("accepts DOUBLE_API_KEY and says so on /healthcheck", async () => {
    const { fetch } = start();
    expect(await (await fetch(`${BASE}/healthcheck`)).json()).toEqual({
      status: "healthy",
      service: "planexe-mcp-cloud",
      authentication_required: true,
    });
    const answer = (await (
      await fetch(`${BASE}/mcp`, post(toolCall("plan_list"), AUTH))
    ).json()) as RpcAnswer;
    expect(answer.error).toBeUndefined();
  });

  it("refuses a bad key on ANY /mcp request (initialize, tools/list, a free tool) as HTTP 200 + JSON-RPC -32001 with the request's id", async () => {
    const { fetch } = start();
    const bad = { "x-api-key": "pex_wrong" };
    for (const [id, message] of [
      [3, { jsonrpc: "2.0", id: 3, method: "initialize", params: {} }],
      [4, { jsonrpc: "2.0", id: 4, method: "tools/list" }],
      [5, toolCall("example_prompts", {}, 5)],
      [6, toolCall("plan_list", {}, 6)],
    ] as const) {
      const response = await fetch(`${BASE}/mcp`, post(message, bad));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        jsonrpc: "2.0",
        error: {
          code: -32001,
          message:
            "Invalid API key. Verify your key or create an account at https://home.planexe.org/",
        },
        id,
      });
    }
    // A batch answers with the first message's id.
    const batch = await fetch(
      `${BASE}/mcp/`,
      post([toolCall("plan_list", {}, 9), toolCall("plan_list", {}, 10)], bad),
    );
    expect(((await batch.json()) as RpcAnswer).id).toBe(9);
  });

  it("without a key: initialize, tools/list and the free tools work; a paid tool is -32001 Missing API key", async () => {
    const { fetch } = start();
    const anonymous = await connectClient(fetch, {});
    expect((await anonymous.listTools()).tools).toHaveLength(11);
    for (const name of ["example_prompts", "example_plans", "model_profiles"])
      expect((await anonymous.callTool({ name, arguments: {} })).isError).toBe(false);
    await expect(anonymous.callTool({ name: "plan_list", arguments: {} })).rejects.toMatchObject({
      code: -32001,
      message: expect.stringContaining(
        "Missing API key. Create an API key at https://home.planexe.org/",
      ),
    });
    const mixed = await fetch(
      `${BASE}/mcp`,
      post([toolCall("example_prompts", {}, 1), toolCall("plan_list", {}, 2)]),
    );
    expect(((await mixed.json()) as RpcAnswer).error?.code).toBe(-32001);
  });

  it.each([
    ["Authorization: Bearer", { authorization: `Bearer ${KEY}` }],
    ["Authorization: Token", { authorization: `Token ${KEY}` }],
    ["Authorization, any scheme", { authorization: `Key ${KEY}` }],
    ["Authorization, bare", { authorization: KEY }],
    ["Authorization, quoted", { authorization: `"${KEY}"` }],
    ["X-API-Key", { "x-api-key": KEY }],
    ["X-API-Key with the header pasted in", { "x-api-key": `X-API-Key: ${KEY}` }],
    ["API-Key", { "api-key": KEY }],
    ["API_KEY", { api_key: KEY }],
    ["X_API_KEY", { x_api_key: KEY }],
  ])("takes the key from %s", async (_, headers) => {
    const { fetch } = start({ apiKeys: [KEY] });
    const answer = (await (
      await fetch(`${BASE}/mcp`, post(toolCall("plan_list"), headers))
    ).json()) as RpcAnswer;
    expect(answer.error).toBeUndefined();
  });

  it.each(["X-API-Key", "api_key", "api-key"])(
    "takes the key from the query ?%s=",
    async (name) => {
      const { fetch } = start({ apiKeys: [KEY] });
      const answer = (await (
        await fetch(`${BASE}/mcp?${name}=${KEY}`, post(toolCall("plan_list")))
      ).json()) as RpcAnswer;
      expect(answer.error).toBeUndefined();
    },
  );

  it("Authorization wins over the other headers and the query", async () => {
    const { fetch } = start({ apiKeys: [KEY] });
    const send = async (url: string, headers: Record<string, string>) =>
      ((await (await fetch(url, post(toolCall("plan_list"), headers))).json()) as RpcAnswer).error;
    expect(
      await send(`${BASE}/mcp`, { authorization: `Bearer ${KEY}`, "x-api-key": "pex_bad" }),
    ).toBeUndefined();
    expect(
      await send(`${BASE}/mcp`, { authorization: "Bearer pex_bad", "x-api-key": KEY }),
    ).toMatchObject({ code: -32001 });
    expect(
      await send(`${BASE}/mcp?api_key=${KEY}`, { authorization: "Bearer pex_bad" }),
    ).toMatchObject({ code: -32001 });
  });

  it("`apiKeys` replaces DOUBLE_API_KEY", async () => {
    const { fetch } = start({ apiKeys: [KEY] });
    const answer = (await (
      await fetch(`${BASE}/mcp`, post(toolCall("plan_list"), AUTH))
    ).json()) as RpcAnswer;
    expect(answer.error?.code).toBe(-32001);
  });

  it("elsewhere: 401 {detail: Missing API key…} and 403 {detail: Invalid API key…}; GET /mcp/tools is public", async () => {
    const { fetch } = start();
    const call = (headers: Record<string, string>, tool = "plan_list") =>
      fetch(`${BASE}/mcp/tools/call`, post({ tool, arguments: {} }, headers));
    const missing = await call({});
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      detail: "Missing API key. Create an API key at https://home.planexe.org/",
    });
    const invalid = await call({ "x-api-key": "pex_wrong" });
    expect(invalid.status).toBe(403);
    expect(((await invalid.json()) as { detail: string }).detail).toMatch(/^Invalid API key/);
    expect((await call(AUTH)).status).toBe(200);
    expect((await call({}, "example_prompts")).status).toBe(200);
    expect((await call({ "x-api-key": "pex_wrong" }, "example_prompts")).status).toBe(403);
    expect((await fetch(`${BASE}/mcp/tools`)).status).toBe(200);
    expect(
      (await fetch(`${BASE}/mcp/tools`, { headers: { "x-api-key": "pex_wrong" } })).status,
    ).toBe(403);
    expect((await fetch(`${BASE}/download/x/report.html`)).status).toBe(401);
  });

  it("auth: false is PlanExe with auth off: no key needed, a bad key still refused, plan_list without a key lists every plan", async () => {
    const { fetch, world } = start({ auth: false });
    expect(
      ((await (await fetch(`${BASE}/healthcheck`)).json()) as { authentication_required: boolean })
        .authentication_required,
    ).toBe(false);
    createPlan(world, "someone's", "user_other");
    const listed = (await (await fetch(`${BASE}/mcp`, post(toolCall("plan_list")))).json()) as {
      result: { structuredContent: { plans: unknown[] } };
    };
    expect(listed.result.structuredContent.plans).toHaveLength(1);
    const bad = (await (
      await fetch(`${BASE}/mcp`, post(toolCall("plan_list"), { "x-api-key": "pex_wrong" }))
    ).json()) as RpcAnswer;
    expect(bad.error).toEqual({
      code: -32001,
      message:
        "Invalid API key. Remove the X-API-Key header for local access, or get a valid key at https://home.planexe.org/",
    });
    const rest = await fetch(
      `${BASE}/mcp/tools/call`,
      post({ tool: "plan_list", arguments: {} }, { "x-api-key": "pex_wrong" }),
    );
    expect(rest.status).toBe(403);
  });

  it("charges and lists the header key's account: user_api_key is not an input (dropped like any unknown argument)", async () => {
    const { fetch } = start({ apiKeys: [KEY, "pex_other"] });
    const mine = await connectClient(fetch, { "x-api-key": KEY });
    const theirs = await connectClient(fetch, { "x-api-key": "pex_other" });
    const created = await mine.callTool({
      name: "plan_create",
      arguments: { prompt: "mine", user_api_key: "pex_other" },
    });
    expect(created.isError).toBe(false);
    const list = async (client: typeof mine, args = {}) =>
      structured(await client.callTool({ name: "plan_list", arguments: args })).plans;
    expect(await list(theirs)).toEqual([]);
    expect(await list(theirs, { user_api_key: KEY })).toEqual([]);
    expect(await list(mine)).toHaveLength(1);
    const { tools } = await mine.listTools();
    for (const tool of tools)
      expect(Object.keys(tool.inputSchema.properties ?? {})).not.toContain("user_api_key");
  });
});

describe("rate limit: 60 / 60 s sliding window, on by default", () => {
  const list = (headers: Record<string, string> = AUTH) =>
    post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, headers);

  it("answers the 61st request in 60 s with 429 {detail: Rate limit exceeded} and no Retry-After", async () => {
    const { fetch } = start();
    for (let i = 0; i < 60; i++) expect((await fetch(`${BASE}/mcp`, list())).status).toBe(200);
    const refused = await fetch(`${BASE}/mcp`, list());
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeNull();
    expect(await refused.json()).toEqual({ detail: "Rate limit exceeded" });
  });

  it("counts per API key, else per peer address (the edge's X-Real-IP)", async () => {
    const { fetch } = start({ apiKeys: [KEY, "pex_other"] });
    for (let i = 0; i < 60; i++)
      await fetch(`${BASE}/mcp`, list({ "x-api-key": KEY, "x-real-ip": "10.0.0.1" }));
    expect(
      (await fetch(`${BASE}/mcp`, list({ "x-api-key": KEY, "x-real-ip": "10.0.0.9" }))).status,
    ).toBe(429);
    // Another key from the same address has its own budget; so has a keyless caller.
    expect(
      (await fetch(`${BASE}/mcp`, list({ "x-api-key": "pex_other", "x-real-ip": "10.0.0.1" })))
        .status,
    ).toBe(200);
    for (let i = 0; i < 60; i++) await fetch(`${BASE}/mcp`, list({ "x-real-ip": "10.0.0.1" }));
    expect((await fetch(`${BASE}/mcp`, list({ "x-real-ip": "10.0.0.1" }))).status).toBe(429);
    expect((await fetch(`${BASE}/mcp`, list({ "x-real-ip": "10.0.0.2" }))).status).toBe(200);
  });

  it("is a sliding window that does not count refused requests: a slot frees when the oldest counted request is 60 s old", async () => {
    const { fetch, clock } = start();
    for (let i = 0; i < 30; i++) await fetch(`${BASE}/mcp`, list());
    await clock.advance(30_000);
    for (let i = 0; i < 30; i++) await fetch(`${BASE}/mcp`, list());
    for (let i = 0; i < 20; i++) expect((await fetch(`${BASE}/mcp`, list())).status).toBe(429);
    await clock.advance(29_999);
    expect((await fetch(`${BASE}/mcp`, list())).status).toBe(429);
    await clock.advance(2);
    // The first 30 left the window: 30 slots, however many 429s came before.
    for (let i = 0; i < 30; i++) expect((await fetch(`${BASE}/mcp`, list())).status).toBe(200);
    expect((await fetch(`${BASE}/mcp`, list())).status).toBe(429);
  });

  it("is checked after auth: refused keys are not counted, and a bad key over the limit still hears -32001", async () => {
    const { fetch } = start();
    for (let i = 0; i < 70; i++) await fetch(`${BASE}/mcp`, list({ "x-api-key": "pex_wrong" }));
    expect((await fetch(`${BASE}/mcp`, list())).status).toBe(200);
    for (let i = 0; i < 59; i++) await fetch(`${BASE}/mcp`, list());
    const badKey = await fetch(`${BASE}/mcp`, list({ authorization: `Bearer ${DOUBLE_API_KEY}x` }));
    expect(badKey.status).toBe(200);
    expect(((await badKey.json()) as RpcAnswer).error?.code).toBe(-32001);
  });

  it("counts every method on /mcp, /mcp/ and /mcp/tools/call: POST, GET /mcp, CORS preflights; not /mcp/tools or /healthcheck", async () => {
    const { fetch } = start();
    const preflight = {
      method: "OPTIONS",
      headers: {
        origin: "https://mcp.planexe.org",
        "access-control-request-method": "POST",
        ...AUTH,
      },
    };
    for (let i = 0; i < 10; i++) {
      await fetch(`${BASE}/mcp`, list());
      await fetch(`${BASE}/mcp/`, list());
      const stream = await fetch(`${BASE}/mcp`, { headers: AUTH });
      await stream.body?.cancel();
      await fetch(`${BASE}/mcp`, preflight);
      await fetch(`${BASE}/mcp/tools/call`, post({ tool: "example_prompts", arguments: {} }, AUTH));
      await fetch(`${BASE}/mcp/tools`, { headers: AUTH });
      await fetch(`${BASE}/healthcheck`, { headers: AUTH });
    }
    expect((await fetch(`${BASE}/mcp/tools`, { headers: AUTH })).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await fetch(`${BASE}/mcp`, list())).status).toBe(200);
    expect((await fetch(`${BASE}/mcp`, preflight)).status).toBe(429);
    expect((await fetch(`${BASE}/mcp`, { headers: AUTH })).status).toBe(429);
  });

  it("downloads: 10 / 60 s, {detail: Download rate limit exceeded}", async () => {
    const { fetch } = start();
    for (let i = 0; i < 10; i++)
      expect((await fetch(`${BASE}/download/nope/report.html`, { headers: AUTH })).status).toBe(
        404,
      );
    const refused = await fetch(`${BASE}/download/nope/report.html`, { headers: AUTH });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ detail: "Download rate limit exceeded" });
  });

  it("rateLimit: false turns it off; custom numbers apply", async () => {
    const off = start({ rateLimit: false });
    for (let i = 0; i < 70; i++) expect((await off.fetch(`${BASE}/mcp`, list())).status).toBe(200);
    off.world.close();
    const custom = start({ rateLimit: { limit: 2, windowMs: 1_000 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await custom.fetch(`${BASE}/mcp`, list())).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
