import type { CallToolResult, ServerContext } from "@modelcontextprotocol/server";
import { Server } from "@modelcontextprotocol/server";
import type { z } from "zod";
import { type PlanExeClient, serverSession } from "../client.js";
import { ErrorCode, InvalidArgumentError } from "../errors/index.js";
import { type Clock, sleep } from "../time/clock.js";
import { firstText, toolErrorFromResult } from "../tools/result-error.js";
import { isToolName, TOOLS, type ToolParsedInput } from "../tools/schemas/registry.js";
import type { ServerToolList } from "../tools/server-tools.js";
import type { OutageEpisode } from "../transport/episode/episode.js";
import { VERSION } from "../version.js";
import { runWithBudget } from "./budget.js";
import { instructionsWith, PLAN_WAIT, ToolCatalog } from "./catalog.js";
import { errorResult } from "./error-result.js";
import { forwardTool } from "./forward.js";
import { firstToolList } from "./live-list.js";
import { PlanWaitInputSchema, planWait } from "./plan-wait.js";
import { progressSender } from "./progress.js";
import { jsonResult } from "./tool-result.js";

/** What the local MCP server is built from. */
export interface LocalServerOptions {
  /** Answers every PlanExe tool (one outage episode for all calls). */
  client: PlanExeClient;
  /** The longest a forwarded call waits for PlanExe, in ms. */
  callBudgetMs: number;
  /** How often a call waiting out an outage sends a progress notification, in ms. */
  progressIntervalMs: number;
  /**
   * How long the server waits at start for PlanExe's own tool list and instructions
   * before it answers `initialize` with the built-in ones, in ms.
   */
  startWaitMs: number;
  clock: Clock;
  /** Strings never echoed in a tool result (the API key). */
  secrets: readonly string[];
  /** Let `plan_wait` follow a `sse_url` on another origin (see `ClientWatchOptions.followCrossOriginStream`). */
  followCrossOriginStream?: boolean;
  /** One diagnostic line (to stderr: stdout carries only JSON-RPC). */
  log: (line: string) => void;
}

/** A local MCP server, ready to connect to a transport. */
export interface LocalMcpServer {
  server: Server;
  /** The tools the host is shown now. */
  catalog: ToolCatalog;
  /** Stops asking PlanExe for its list and closes the server. */
  close(): Promise<void>;
}

const SERVER_INFO = { name: "planexe-client", version: VERSION } as const;

/** What the SDK hands a request handler besides the request. */
type Extra = ServerContext;

/**
 * An MCP server whose tools are PlanExe's own, plus `plan_wait`. PlanExe's tool list
 * and instructions are asked at once, in the background; the server waits for them
 * at most `startWaitMs` (less once PlanExe is seen down), then serves the built-in list (so `initialize` and
 * `tools/list` answer while PlanExe is down or slow) and swaps in PlanExe's list
 * when it arrives, with `notifications/tools/list_changed`. Every call goes
 * through `PlanExeClient` under a per-call budget: the package's tools through the
 * method that carries their resend rules, any other tool PlanExe lists as it is,
 * resent or not as its annotations say.
 */
export async function startLocalMcpServer(options: LocalServerOptions): Promise<LocalMcpServer> {
  const { clock, log } = options;
  const session = serverSession(options.client);
  const stop = new AbortController();
  const catalog = new ToolCatalog();
  const listing = firstToolList(session, { clock, signal: stop.signal, log });
  const waited = new AbortController();
  const first = await Promise.race([
    listing.catch(() => undefined),
    untilDownOr(options.client.episode, options.startWaitMs, clock, waited.signal),
  ]);
  waited.abort();
  if (first) catalog.goLive(first.tools);
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: { listChanged: true } },
    instructions: instructionsWith(first?.instructions),
  });
  if (!first)
    listing.then(
      (late: ServerToolList) => {
        catalog.goLive(late.tools);
        log(
          `PlanExe answered: serving its ${late.tools.length} tools (its instructions apply from the next start)`,
        );
        server.sendToolListChanged().catch(() => {});
      },
      () => {},
    );
  server.setRequestHandler("tools/list", () => ({ tools: catalog.tools() }));
  server.setRequestHandler("tools/call", async (request, ctx) => {
    const { name, arguments: args = {} } = request.params;
    const result = await callAnyTool(options, catalog, name, args, ctx);
    // A host's MCP SDK checks `structuredContent` against the listed output schema, error or not.
    if (result.isError && catalog.find(name)?.outputSchema) delete result.structuredContent;
    return result;
  });
  return {
    server,
    catalog,
    async close() {
      stop.abort(new DOMException("The local MCP server closed", "AbortError"));
      await server.close();
    },
  };
}

/** How often the start wait looks whether PlanExe was found down, in ms. */
const DOWN_CHECK_MS = 50;

/**
 * Resolves `undefined` after `ms`, or sooner once `episode` is down (PlanExe
 * unreachable or answering 502: no use waiting for its list), or when `signal` aborts.
 */
async function untilDownOr(
  episode: OutageEpisode | undefined,
  ms: number,
  clock: Clock,
  signal: AbortSignal,
): Promise<undefined> {
  const until = clock.now() + ms;
  try {
    while (episode?.state !== "down" && clock.now() < until)
      await sleep(Math.min(DOWN_CHECK_MS, until - clock.now()), { clock, signal });
  } catch {
    // Aborted: PlanExe answered first.
  }
  return undefined;
}

function callAnyTool(
  options: LocalServerOptions,
  catalog: ToolCatalog,
  name: string,
  args: Record<string, unknown>,
  extra: Extra,
): Promise<CallToolResult> {
  if (name === PLAN_WAIT) {
    const parsed = checkArgs(options, name, PlanWaitInputSchema, args);
    if (!parsed.ok) return Promise.resolve(parsed.result);
    return waitForPlan(options, parsed.args, extra);
  }
  if (isToolName(name)) {
    const parsed = checkArgs(options, name, TOOLS[name].input, args);
    if (!parsed.ok) return Promise.resolve(parsed.result);
    const known = parsed.args as ToolParsedInput<typeof name>;
    return withBudget(options, name, extra, undefined, (signal) =>
      forwardTool(options.client, name, known, signal).then((output) =>
        jsonResult(output, options.secrets),
      ),
    );
  }
  if (catalog.live && !catalog.find(name)) {
    const error = new InvalidArgumentError(
      ErrorCode.INVALID_TOOL,
      `Unknown tool: ${name}. PlanExe does not list it; tools/list shows the tools there are.`,
      { tool: name },
    );
    return Promise.resolve(failure(options, name, error, options.clock.now()));
  }
  // A tool this package was built without (or one PlanExe may list once it answers):
  // PlanExe checks its arguments.
  const session = serverSession(options.client);
  const check = catalog.resendable(name)
    ? undefined
    : `${name} may have taken effect before PlanExe's answer was lost: check its effect before calling it again.`;
  return withBudget(options, name, extra, check, async (signal) => {
    const result = await session.callTool(name, args, signal);
    if (result.isError) throw toolErrorFromResult(name, result, options.secrets);
    return jsonResult(bodyOf(result), options.secrets);
  });
}

/** The JSON of a result: its `structuredContent`, else its text read as JSON, else the text itself. */
function bodyOf(result: CallToolResult): Record<string, unknown> {
  const structured: unknown = result.structuredContent;
  if (typeof structured === "object" && structured !== null && !Array.isArray(structured))
    return structured as Record<string, unknown>;
  const text = firstText(result.content) ?? "";
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: passed on as text.
  }
  return { text };
}

type Checked<T> = { ok: true; args: T } | { ok: false; result: CallToolResult };

/** The arguments parsed by the package's own schema, or an `INVALID_ARGUMENTS` result (PlanExe is not called). */
function checkArgs<S extends z.ZodType>(
  options: LocalServerOptions,
  tool: string,
  schema: S,
  args: Record<string, unknown>,
): Checked<z.output<S>> {
  const parsed = schema.safeParse(args);
  if (parsed.success) return { ok: true, args: parsed.data };
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.join(".") || "arguments"}: ${issue.message}`)
    .join("; ");
  const error = new InvalidArgumentError(
    ErrorCode.INVALID_ARGUMENTS,
    `Invalid arguments for ${tool}: ${problems}`,
    { tool },
  );
  return { ok: false, result: failure(options, tool, error, options.clock.now()) };
}

/** Runs one forwarded call under the budget; a failure becomes an `isError` result a model can act on. */
async function withBudget(
  options: LocalServerOptions,
  name: string,
  extra: Extra,
  checkBeforeRepeating: string | undefined,
  work: (signal: AbortSignal) => Promise<CallToolResult>,
): Promise<CallToolResult> {
  const { client, clock } = options;
  const startedAt = clock.now();
  const progress = progressSender(extra, clock, options.secrets);
  try {
    return await runWithBudget(
      {
        budgetMs: options.callBudgetMs,
        clock,
        hostSignal: extra.mcpReq.signal,
        episode: client.episode,
        progressIntervalMs: options.progressIntervalMs,
        notify: progress?.send,
        what: name,
      },
      work,
    );
  } catch (error) {
    // Cancelled by the host: the SDK sends no answer, so there is nothing to word.
    if (extra.mcpReq.signal.aborted) throw error;
    return failure(options, name, error, startedAt, checkBeforeRepeating);
  } finally {
    await progress?.settle();
  }
}

async function waitForPlan(
  options: LocalServerOptions,
  args: z.output<typeof PlanWaitInputSchema>,
  extra: Extra,
): Promise<CallToolResult> {
  const startedAt = options.clock.now();
  const progress = progressSender(extra, options.clock, options.secrets);
  try {
    return await planWait(options, args, extra.mcpReq.signal, progress?.send);
  } catch (error) {
    if (extra.mcpReq.signal.aborted) throw error;
    return failure(options, PLAN_WAIT, error, startedAt);
  } finally {
    await progress?.settle();
  }
}

function failure(
  options: LocalServerOptions,
  tool: string,
  error: unknown,
  startedAt: number,
  checkBeforeRepeating?: string,
): CallToolResult {
  const result = errorResult(error, {
    tool,
    budgetMs: options.callBudgetMs,
    episode: options.client.episode,
    now: options.clock.now(),
    startedAt,
    secrets: options.secrets,
    checkBeforeRepeating,
  });
  options.log(
    `${tool} failed: ${result.content[0]?.type === "text" ? result.content[0].text : ""}`,
  );
  return result;
}
