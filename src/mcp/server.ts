import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type {
  CallToolResult,
  ServerNotification,
  ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import type { PlanExeClient } from "../client.js";
import { TOOLS, type ToolName, type ToolParsedInput } from "../tools/schemas/registry.js";
import type { Clock } from "../transport/clock.js";
import { runWithBudget } from "./budget.js";
import { errorResult } from "./error-result.js";
import { forwardTool } from "./forward.js";
import { PLAN_WAIT_DESCRIPTION, PlanWaitInputSchema, planWait } from "./plan-wait.js";
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
  clock: Clock;
  /** Strings never echoed in a tool result (the API key). */
  secrets: readonly string[];
  /** Let `plan_wait` follow a `sse_url` on another origin (see `ClientWatchOptions.followCrossOriginStream`). */
  followCrossOriginStream?: boolean;
  /** One diagnostic line (to stderr: stdout carries only JSON-RPC). */
  log: (line: string) => void;
}

const SERVER_INFO = { name: "planexe-client", version: "0.1.0" } as const;

/** Where a description sends a model that would otherwise poll. */
const PREFER_PLAN_WAIT: Partial<Record<ToolName, string>> = {
  plan_create: " Then follow it with plan_wait.",
  plan_status: " To follow a running plan, prefer plan_wait.",
};

/** What the SDK hands a tool handler besides its arguments. */
type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * An MCP server whose tools are PlanExe's, listed from the package's own schemas
 * (so `initialize` and `tools/list` work while PlanExe is down) and answered
 * through `PlanExeClient` under a per-call budget, plus `plan_wait`.
 */
export function createLocalMcpServer(options: LocalServerOptions): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions:
      "PlanExe turns a prompt into a project plan in 10-20 minutes. Call plan_create, follow the plan with plan_wait (call it again while done is false), then plan_file_info for the report. Calls wait through PlanExe deploys; an error result says when to call again.",
  });
  for (const name of Object.keys(TOOLS) as ToolName[]) {
    const spec = TOOLS[name];
    server.registerTool(
      name,
      {
        description: spec.description + (PREFER_PLAN_WAIT[name] ?? ""),
        inputSchema: spec.input,
        annotations: {
          readOnlyHint: spec.readOnly,
          idempotentHint: spec.idempotent,
          destructiveHint: false,
          openWorldHint: true,
        },
      },
      (args: unknown, extra: Extra) =>
        callTool(options, name, args as ToolParsedInput<typeof name>, extra),
    );
  }
  server.registerTool(
    "plan_wait",
    {
      description: PLAN_WAIT_DESCRIPTION,
      inputSchema: PlanWaitInputSchema,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    },
    async (args, extra: Extra) => {
      const startedAt = options.clock.now();
      const progress = progressSender(extra, options.clock, options.secrets);
      try {
        return await planWait(options, args, extra.signal, progress?.send);
      } catch (error) {
        if (extra.signal.aborted) throw error;
        return failure(options, "plan_wait", error, startedAt);
      } finally {
        await progress?.settle();
      }
    },
  );
  return server;
}

async function callTool<N extends ToolName>(
  options: LocalServerOptions,
  name: N,
  args: ToolParsedInput<N>,
  extra: Extra,
): Promise<CallToolResult> {
  const { client, clock } = options;
  const startedAt = clock.now();
  const progress = progressSender(extra, clock, options.secrets);
  try {
    const output = await runWithBudget(
      {
        budgetMs: options.callBudgetMs,
        clock,
        hostSignal: extra.signal,
        episode: client.episode,
        progressIntervalMs: options.progressIntervalMs,
        notify: progress?.send,
        what: name,
      },
      (signal) => forwardTool(client, name, args, signal),
    );
    return jsonResult(output, options.secrets);
  } catch (error) {
    // Cancelled by the host: the SDK sends no answer, so there is nothing to word.
    if (extra.signal.aborted) throw error;
    return failure(options, name, error, startedAt);
  } finally {
    await progress?.settle();
  }
}

function failure(
  options: LocalServerOptions,
  tool: string,
  error: unknown,
  startedAt: number,
): CallToolResult {
  const result = errorResult(error, {
    tool,
    budgetMs: options.callBudgetMs,
    episode: options.client.episode,
    now: options.clock.now(),
    startedAt,
    secrets: options.secrets,
  });
  options.log(
    `${tool} failed: ${result.content[0]?.type === "text" ? result.content[0].text : ""}`,
  );
  return result;
}
