import type { Tool } from "@modelcontextprotocol/server";
import { raceSignal } from "../time/signals.js";
import { callError } from "./call-error.js";
import type { InvokeContext } from "./invoke.js";

/** What a server says about itself: its tools as it lists them, and the `instructions` of its `initialize` answer. */
export interface ServerToolList {
  tools: Tool[];
  instructions: string | undefined;
}

/** Pages of a paginated `tools/list` read at the most. */
const MAX_PAGES = 10;

/**
 * The server's own tool list (every page) and instructions, over the client's one
 * connection (so under its retry policy, through deploys; the transport learns each
 * tool's annotations from the answer, which decide whether a call of it is resent).
 * Rejects with a typed error, or `signal.reason`.
 */
export async function listServerTools(
  context: InvokeContext,
  signal?: AbortSignal,
): Promise<ServerToolList> {
  const combined = context.scope.enter(signal);
  try {
    const client = await context.connection.get(combined.signal);
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await raceSignal(client.listTools(cursor, combined.signal), combined.signal);
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (cursor === undefined) break;
    }
    return { tools, instructions: client.getInstructions() };
  } catch (error) {
    if (combined.signal.aborted) throw error;
    throw callError(error, "tools/list", context.secrets);
  } finally {
    combined.exit();
  }
}
