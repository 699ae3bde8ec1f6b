import { describe, expect, it } from "vitest";
import { AuthError, isPlanExeError, PlanNotFoundError } from "../../src/errors/index.js";
import { KEY, rejection, setup } from "./helpers.js";

const WRONG_KEY = "pex_wrong_9876543210fedcba";

/** Every message on an error and its causes. */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 10; e = e.cause)
    parts.push(e.message, String(e));
  return `${parts.join("\n")}\n${JSON.stringify(error)}`;
}

describe("auth failures fail at once, with no second request and no key in the error", () => {
  it("JSON-RPC −32001 (PlanExe's answer on /mcp to a bad key, already at initialize)", async () => {
    const { double, client, run } = setup({}, { apiKey: WRONG_KEY });
    const error = await run(rejection(client.listPlans()));
    expect(error).toBeInstanceOf(AuthError);
    expect(isPlanExeError(error)).toBe(true);
    // PlanExe refuses a bad key on any /mcp request: the handshake fails, no tool is called.
    expect(double.requests.count({ rpcMethod: "initialize" })).toBe(1);
    expect(double.requests.count({ tool: "plan_list" })).toBe(0);
    expect(messages(error)).not.toContain(WRONG_KEY);
  });

  it.each([401, 403])("HTTP %i", async (status) => {
    // The double knows the key; a server in front answers its tool calls with 401/403.
    const { double, clock, client, run } = setup(
      { apiKeys: [KEY, WRONG_KEY] },
      {
        fetch: async (input, init) => {
          const request = new Request(input, init);
          if ((await request.clone().text()).includes('"tools/call"')) {
            toolCalls++;
            return Response.json({ detail: `Invalid API key ${WRONG_KEY}` }, { status });
          }
          return double.fetch(request);
        },
        apiKey: WRONG_KEY,
      },
    );
    let toolCalls = 0;
    const before = clock.now();
    const error = await run(rejection(client.getStatus("5e2b1c3a-1f2d-4c3b-9a8e-0123456789ab")));
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(status);
    expect(toolCalls).toBe(1);
    expect(clock.now()).toBe(before);
    expect(messages(error)).not.toContain(WRONG_KEY);
  });

  it("a tool error keeps the server's code and hides the plan id", async () => {
    const { client, run } = setup();
    const unknown = "5e2b1c3a-1f2d-4c3b-9a8e-0123456789ab";
    const error = await run(rejection(client.getStatus(unknown)));
    expect(error).toBeInstanceOf(PlanNotFoundError);
    expect((error as PlanNotFoundError).code).toBe("PLAN_NOT_FOUND");
    expect(error.message).not.toContain(unknown);
    expect(messages(error)).not.toContain(KEY);
  });
});

describe("abort and close", () => {
  it("an abort while waiting out a deploy rejects at once with the signal's reason and sends nothing more", async () => {
    const { double, clock, client, run } = setup();
    const plan = await run(client.createPlan("A plan"));
    const window = double.deploy.restart({ windowMs: 120_000 });
    const controller = new AbortController();
    const pending = client.getStatus(plan.plan_id, { signal: controller.signal });
    pending.catch(() => {});
    await clock.advance(30_000);
    const reason = new Error("the user gave up");
    const abortedAt = clock.now();
    controller.abort(reason);
    await expect(run(pending)).rejects.toBe(reason);
    expect(clock.now()).toBe(abortedAt);
    await run(window.finished);
    await clock.advance(5_000);
    expect(double.requests.count({ tool: "plan_status", since: abortedAt })).toBe(0);
  });

  it("an already aborted signal sends nothing", async () => {
    const { double, client, run } = setup();
    const reason = new Error("too late");
    await expect(run(client.examplePrompts({ signal: AbortSignal.abort(reason) }))).rejects.toBe(
      reason,
    );
    expect(double.requests.count({ path: "/mcp" })).toBe(0);
  });

  it("close() rejects pending calls and later ones with an AbortError", async () => {
    const { double, clock, client, run } = setup();
    await run(client.examplePrompts());
    double.deploy.restart({ windowMs: 120_000 });
    const pending = client.examplePlans();
    pending.catch(() => {});
    await clock.advance(1_000);
    await client.close();
    await expect(run(pending)).rejects.toMatchObject({ name: "AbortError" });
    await expect(client.modelProfiles()).rejects.toMatchObject({ name: "AbortError" });
  });
});
