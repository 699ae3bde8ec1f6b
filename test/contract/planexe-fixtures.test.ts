// Runs the client over every answer PlanExe's server can give, as its handlers write
// them (test/fixtures/planexe/, each fixture naming its source line), served through
// the one double's `answerNext`. No real answer may end as INVALID_RESPONSE.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PlanExeClient } from "../../src/client.js";
import { isPlanExeError } from "../../src/errors/index.js";
import { watchPlan } from "../../src/sse/watch-plan.js";
import { setup } from "../tools/helpers.js";
import { rpcResult } from "./fixtures.js";

const DIR = join(import.meta.dirname, "../fixtures/planexe");
const PLAN_ID = "5a0f3c1e-8d2b-4c47-9e0a-2f6d7b1c9e44";

interface Expectation {
  /** Fields the result has (`null`: the field is absent). */
  resolves?: Record<string, unknown>;
  rejects?: { name: string; code: string; message?: string };
}
interface ToolFixture {
  name: string;
  source: string[];
  tool: string;
  arguments: Record<string, unknown>;
  result: unknown;
  expect: Expectation;
}
interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  json?: unknown;
  text?: string;
}
interface TransportFixture {
  name: string;
  source: string[];
  match: { rpcMethod?: string; path?: string };
  times?: number;
  tool?: string;
  arguments?: Record<string, unknown>;
  http: HttpAnswer;
  expect: Expectation;
}
interface StreamFixture {
  name: string;
  source: string[];
  connections: { status: number; headers: Record<string, string>; body: string; abort?: boolean }[];
  expect: { events?: string[]; final?: string; error?: string; rejects?: Expectation["rejects"] };
}

const read = <T>(path: string): T => JSON.parse(readFileSync(join(DIR, path), "utf8")) as T;

/** Calls `tool` through the `PlanExeClient` method a user would. */
function call(
  client: PlanExeClient,
  tool: string,
  args: Record<string, unknown>,
): Promise<unknown> {
  const { plan_id: planId, ...rest } = args as { plan_id: string } & Record<string, unknown>;
  switch (tool) {
    case "plan_create": {
      const { prompt, ...options } = rest as { prompt: string };
      return client.createPlan(prompt, options);
    }
    case "plan_status":
      return client.getStatus(planId);
    case "plan_stop":
      return client.stopPlan(planId);
    case "plan_retry":
      return client.retryPlan(planId);
    case "plan_resume":
      return client.resumePlan(planId);
    case "plan_file_info":
      return client.getFileInfo(planId, rest);
    case "plan_list":
      return client.listPlans(rest);
    case "example_prompts":
      return client.examplePrompts();
    case "example_plans":
      return client.examplePlans();
    case "model_profiles":
      return client.modelProfiles();
    case "send_feedback": {
      const { category, message, ...options } = args as { category: string; message: string };
      return client.sendFeedback(category, message, options);
    }
    default:
      throw new Error(`no client method for ${tool}`);
  }
}

async function settle(promise: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

function check(outcome: { value?: unknown; error?: unknown }, expectation: Expectation): void {
  if (isPlanExeError(outcome.error)) expect(outcome.error.code).not.toBe("INVALID_RESPONSE");
  if (expectation.resolves) {
    expect(outcome.error).toBeUndefined();
    const value = outcome.value as Record<string, unknown>;
    for (const [key, field] of Object.entries(expectation.resolves)) {
      if (field === null) expect(value).not.toHaveProperty(key);
      else expect(value).toMatchObject({ [key]: field });
    }
    return;
  }
  const want = expectation.rejects;
  if (!want) throw new Error("a fixture expects resolves or rejects");
  expect(outcome.error, "expected a typed error").toBeDefined();
  const error = outcome.error as Error & { code?: string };
  expect({ name: error.name, code: error.code }).toEqual({ name: want.name, code: want.code });
  if (want.message) expect(error.message).toMatch(new RegExp(want.message));
}

function httpAnswer(answer: HttpAnswer, id: unknown): Response {
  const body =
    answer.text ??
    JSON.stringify(answer.json, (_key, value) => (value === "<request id>" ? id : value));
  return new Response(body, { status: answer.status, headers: answer.headers });
}

const toolFiles = readdirSync(join(DIR, "tools")).filter((file) => file.endsWith(".json"));

describe.each(toolFiles)("PlanExe's answers: %s", (file) => {
  const fixtures = read<ToolFixture[]>(join("tools", file));
  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))(
    "%s",
    async (_name, fixture) => {
      expect(fixture.source.length).toBeGreaterThan(0);
      const { double, client, run } = setup();
      double.answerNext({
        tool: fixture.tool,
        respond: ({ id }) => rpcResult(id, fixture.result),
      });
      const outcome = await run(settle(call(client, fixture.tool, fixture.arguments)));
      // The answer came from the fixture, not from the double's own plans.
      expect(double.requests.count({ tool: fixture.tool })).toBe(1);
      check(outcome, fixture.expect);
    },
  );
});

describe("PlanExe's transport answers on /mcp", () => {
  const { mcp } = read<{ mcp: TransportFixture[] }>("transport.json");
  it.each(mcp.map((fixture) => [fixture.name, fixture] as const))("%s", async (_name, fixture) => {
    const { double, client, run } = setup();
    double.answerNext({
      ...fixture.match,
      times: fixture.times ?? 1,
      respond: ({ id }) => httpAnswer(fixture.http, id),
    });
    const outcome = await run(
      settle(call(client, fixture.tool as string, fixture.arguments ?? {})),
    );
    check(outcome, fixture.expect);
  });
});

describe("PlanExe's transport answers on /download", () => {
  const { download } = read<{ download: TransportFixture[] }>("transport.json");
  it.each(download.map((fixture) => [fixture.name, fixture] as const))(
    "%s",
    async (_name, fixture) => {
      const { double, clock, client, run } = setup();
      const plan = await run(client.createPlan("A bakery"));
      await clock.advance(610_000);
      double.answerNext({
        path: new RegExp(fixture.match.path as string),
        times: fixture.times ?? 1,
        respond: ({ id }) => httpAnswer(fixture.http, id),
      });
      const outcome = await run(settle(client.download(plan.plan_id)));
      check(outcome, fixture.expect);
    },
  );
});

describe("PlanExe's progress stream", () => {
  const fixtures = read<StreamFixture[]>("stream.json");
  it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))(
    "%s",
    async (_name, fixture) => {
      const { double, clock } = setup();
      for (const connection of fixture.connections)
        double.answerNext({
          method: "GET",
          path: `/sse/plan/${PLAN_ID}`,
          respond: () => {
            const bytes = new TextEncoder().encode(connection.body);
            const body = new ReadableStream<Uint8Array>({
              start(controller) {
                if (bytes.byteLength > 0) controller.enqueue(bytes);
                if (connection.abort) controller.error(new TypeError("terminated"));
                else controller.close();
              },
            });
            return new Response(body, { status: connection.status, headers: connection.headers });
          },
        });
      const watch = watchPlan(`${double.baseUrl}/sse/plan/${PLAN_ID}`, {
        fetch: double.fetch,
        clock,
        episode: false,
      });
      const seen: { type: string; state?: string; error?: { code?: string } }[] = [];
      const outcome = await clock.runUntil(
        settle(
          (async () => {
            for await (const event of watch) seen.push(event as (typeof seen)[number]);
          })(),
        ),
        { maxMs: 600_000 },
      );
      if (fixture.expect.rejects) {
        check(outcome, { rejects: fixture.expect.rejects });
        return;
      }
      expect(outcome.error).toBeUndefined();
      const events = seen.filter((event) =>
        ["status", "heartbeat", "complete"].includes(event.type),
      );
      expect(events.map((event) => event.type)).toEqual(fixture.expect.events);
      const complete = events.at(-1);
      expect(complete?.state).toBe(fixture.expect.final);
      if (fixture.expect.error) expect(complete?.error?.code).toBe(fixture.expect.error);
      // Every connection the fixture scripts was used: the watch reconnected where PlanExe makes it.
      expect(double.requests.count({ path: `/sse/plan/${PLAN_ID}` })).toBe(
        fixture.connections.length,
      );
    },
  );
});
