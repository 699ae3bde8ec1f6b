import { createHash } from "node:crypto";

/** The outcome of checking a request's API key. */
export type AuthResult =
  | { ok: true; userId: string }
  | { ok: false; reason: "missing" | "invalid" };

/** The user id a key maps to: stable, and never the key itself. */
export function userIdForKey(key: string): string {
  return `user_${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;
}

/** The API key of a request: `X-API-Key`, else `Authorization: Bearer …`. */
export function apiKeyFromHeaders(headers: Headers): string | undefined {
  const direct = headers.get("x-api-key")?.trim();
  if (direct) return direct;
  const match = /^Bearer\s+(.+)$/i.exec(headers.get("authorization")?.trim() ?? "");
  return match?.[1]?.trim() || undefined;
}

/**
 * Checks `key` against `apiKeys`. Without `apiKeys` every caller is let in (a key,
 * when given, still names the user so dedup and `plan_list` stay per user).
 */
export function checkApiKey(
  key: string | undefined,
  apiKeys: ReadonlySet<string> | undefined,
): AuthResult {
  if (!apiKeys) return { ok: true, userId: key ? userIdForKey(key) : "anonymous" };
  if (!key) return { ok: false, reason: "missing" };
  if (!apiKeys.has(key)) return { ok: false, reason: "invalid" };
  return { ok: true, userId: userIdForKey(key) };
}

/** The message PlanExe sends for a refused key (also in the JSON-RPC −32001 error). */
export function authFailureMessage(reason: "missing" | "invalid"): string {
  return reason === "missing"
    ? "Missing API key. Send it as X-API-Key: pex_… or Authorization: Bearer pex_…"
    : "Invalid API key. Check the key at home.planexe.org.";
}
