import { createHash } from "node:crypto";

/**
 * The key every PlanExe double accepts unless told otherwise (`apiKeys` replaces it,
 * `auth: false` runs as PlanExe with auth off). Pass it as the client's `apiKey`.
 */
export const DOUBLE_API_KEY = "pex_double_local_test_key_0001";

/** The outcome of checking a request's API key. */
export type AuthResult =
  | { ok: true; userId: string; key: string | undefined }
  | { ok: false; reason: "missing" | "invalid"; message: string };

/** The user id a key maps to: stable, and never the key itself. */
function userIdForKey(key: string): string {
  return `user_${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;
}

/**
 * PlanExe's `_normalize_api_key_value`: strips a pasted header name, a scheme
 * (`Bearer`, `Token`, any `<scheme> <token>`) and matching quotes.
 */
function normalizeKey(raw: string | null | undefined): string | undefined {
  let value = raw?.trim();
  if (!value) return undefined;
  let lower = value.toLowerCase();
  for (const prefix of ["x-api-key:", "api-key:", "api_key:", "authorization:"]) {
    if (lower.startsWith(prefix)) {
      value = value.slice(prefix.length).trim();
      lower = value.toLowerCase();
      break;
    }
  }
  if (lower.startsWith("bearer ")) value = value.slice(7).trim();
  else if (lower.startsWith("token ")) value = value.slice(6).trim();
  else if (value.includes(" ")) value = (value.split(" ").at(-1) as string).trim();
  if (value.length >= 2 && value[0] === value.at(-1) && (value[0] === "'" || value[0] === '"'))
    value = value.slice(1, -1).trim();
  return value || undefined;
}

/**
 * The API key of a request as PlanExe finds it (`_extract_api_key`): `Authorization`
 * (any scheme, or bare) wins; then the headers `X-API-Key`, `API-Key`, `API_KEY`,
 * `X_API_KEY`; then the query `?X-API-Key=`, `?api_key=`, `?api-key=`.
 */
export function apiKeyOf(request: Request): string | undefined {
  const fromHeaders = ["authorization", "x-api-key", "api-key", "api_key", "x_api_key"];
  for (const name of fromHeaders) {
    const key = normalizeKey(headerValue(request.headers, name));
    if (key) return key;
  }
  const query = new URL(request.url).searchParams;
  for (const name of ["X-API-Key", "api_key", "api-key"]) {
    const key = normalizeKey(query.get(name));
    if (key) return key;
  }
  return undefined;
}

/** A header by name; `Headers` refuses names with `_` on `get` in no runtime, but be safe. */
function headerValue(headers: Headers, name: string): string | null {
  try {
    return headers.get(name);
  } catch {
    return null;
  }
}

/** PlanExe's messages for a refused key (also the JSON-RPC −32001 error's message). */
export const KEY_MESSAGES = {
  missing: "Missing API key. Create an API key at https://home.planexe.org/",
  invalid: "Invalid API key. Verify your key or create an account at https://home.planexe.org/",
  invalidLocal:
    "Invalid API key. Remove the X-API-Key header for local access, or get a valid key at https://home.planexe.org/",
} as const;

/**
 * Checks `key` as PlanExe's `_validate_api_key` does. With auth on, a key is required
 * and must be one of `apiKeys`. With auth off no key is needed, but a key that is sent
 * must still be known (PlanExe resolves it for attribution and refuses a bad one).
 */
export function checkApiKey(
  key: string | undefined,
  apiKeys: ReadonlySet<string>,
  required: boolean,
): AuthResult {
  if (!key) {
    return required
      ? { ok: false, reason: "missing", message: KEY_MESSAGES.missing }
      : { ok: true, userId: "anonymous", key: undefined };
  }
  if (!apiKeys.has(key))
    return {
      ok: false,
      reason: "invalid",
      message: required ? KEY_MESSAGES.invalid : KEY_MESSAGES.invalidLocal,
    };
  return { ok: true, userId: userIdForKey(key), key };
}
