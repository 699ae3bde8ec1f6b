import type { CallToolResult } from "@modelcontextprotocol/server";
import { rememberSecret } from "../errors/redact.js";
import { raceSignal } from "../time/signals.js";
import type { Logger } from "../transport/logger.js";
import { callError } from "./call-error.js";
import type { CallScope } from "./call-scope.js";
import type { CallSignals } from "./call-signals.js";
import type { LazyConnection } from "./connection.js";
import { parseToolOutput } from "./parse-output.js";
import { toolErrorFromResult } from "./result-error.js";
import { TOOLS, type ToolName, type ToolOutput, type ToolParsedInput } from "./schemas/registry.js";

/** What one tool call needs from its client. */
export interface InvokeContext {
  connection: LazyConnection;
  signals: CallSignals;
  /** The client's open calls (aborted together on close). */
  scope: CallScope;
  /** Values never shown in an error (the API key). */
  secrets: readonly string[];
  logger?: Logger | undefined;
}

/**
 * Calls tool `name` with already validated `args`: connects if needed, resends per
 * the retry policy (in the transport), and returns the validated output. Rejects
 * with a typed error (`ToolError` and subclasses for `isError` results, `AuthError`,
 * `TransportError`, `ProtocolError`) or, when `signal` aborts, with `signal.reason`.
 */
export async function invokeTool<N extends ToolName>(
  context: InvokeContext,
  name: N,
  args: ToolParsedInput<N>,
  signal?: AbortSignal,
): Promise<ToolOutput<N>> {
  const result = await callToolResult(context, name, args as Record<string, unknown>, signal);
  if (result.isError) throw toolErrorFromResult(name, result, context.secrets);
  return parseToolOutput(name, TOOLS[name].output, result) as ToolOutput<N>;
}

/**
 * Calls any tool the server lists, known to this package or not, and returns its
 * result as the server gave it (`isError` results included). The call goes out as
 * {@link invokeTool}'s do: one connection, the retry policy, resent only when the
 * server's annotations (or the package's own rules for its tools) allow it.
 * Rejects with a typed error below the tool level, or `signal.reason`.
 */
export async function callToolResult(
  context: InvokeContext,
  name: string,
  args: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<CallToolResult> {
  // Keeps this client's key among the secrets every error is redacted of.
  for (const secret of context.secrets) rememberSecret(secret);
  const combined = context.scope.enter(signal);
  // Only a call with a signal of its own is tagged; the others end with the connection, which `close()` closes.
  const registration = combined.shared ? undefined : context.signals.register(combined.signal);
  try {
    const client = await context.connection.get(combined.signal);
    const call = client.callTool(
      { name, arguments: args, ...(registration && { _meta: registration.meta }) },
      registration?.failed,
    );
    return await raceSignal(call, combined.signal);
  } catch (error) {
    if (combined.signal.aborted) throw error;
    // The answer's own typed failure (cut at maxResponseBytes), whatever reading it threw.
    if (registration?.failed.aborted) throw registration.failed.reason;
    throw callError(error, name, context.secrets);
  } finally {
    registration?.release();
    combined.exit();
  }
}
