import type { ResendQuery } from "../transport/policy/resend.js";
import { isToolName, TOOLS } from "./schemas/registry.js";

/**
 * The transport's resend hook for PlanExe: a `tools/call` that may have reached the
 * server is sent again for read-only and idempotent tools and for `plan_create`
 * (the server deduplicates it), never for `plan_retry` / `plan_resume` (the client
 * confirms those with `plan_status` instead). Anything else gets the default rule.
 */
export function planexeResendable(query: ResendQuery): boolean | undefined {
  if (query.rpcMethod !== "tools/call" || !isToolName(query.toolName)) return undefined;
  return TOOLS[query.toolName].resend !== "confirm";
}
