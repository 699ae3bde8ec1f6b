// Where secrets are carried and how they are spelled, for `redact.ts` (the one redaction) and for
// the transport's own header and query handling. Nothing here hides anything: `redact.ts` does.
/** The headers PlanExe reads an API key from, in the order it reads them (`Authorization` wins). The one list. */
export const KEY_HEADERS: readonly string[] = [
  "authorization",
  "x-api-key",
  "api-key",
  "api_key",
  "x_api_key",
];
/** The headers that carry credentials: shown as `***`, never sent to another origin. The one list. */
export const SECRET_HEADERS: readonly string[] = [...KEY_HEADERS, "cookie", "proxy-authorization"];
/** The query parameters PlanExe reads an API key from, as it spells them. */
export const KEY_QUERY_PARAMS: readonly string[] = ["X-API-Key", "api_key", "api-key"];
/** Query parameters whose values are credentials (a signed download link's `token`, …). The one list. */
export const SECRET_QUERY_PARAMS: readonly string[] = [
  ...KEY_QUERY_PARAMS,
  "token",
  "access_token",
  "apikey",
  "key",
  "signature",
  "sig",
];

/**
 * The secrets this process was given (API keys, bearer tokens): every `PlanExeError`
 * is redacted of them, whoever built it. Module state on purpose: an error raised
 * deep in a transport knows no key, yet must not carry one the server echoed back.
 * Bounded: the most recently used {@link MAX_SECRETS} are kept (a backend that makes
 * one client per user touches its key on every call), so memory and the cost of a
 * redaction stay flat however many keys a long-lived process sees.
 */
const known = new Map<string, readonly string[]>();
let cached: readonly string[] | undefined;

/** Shorter values would blank out ordinary words. */
const MIN_LENGTH = 4;
const MAX_SECRETS = 256;

/** Remembers `value` as a secret, or marks it used again (ignored when shorter than 4 characters). */
export function rememberSecret(value: string | undefined): void {
  if (typeof value !== "string" || value.length < MIN_LENGTH) return;
  const bearer = /^bearer\s+(.+)$/i.exec(value)?.[1]?.trim();
  for (const secret of bearer && bearer.length >= MIN_LENGTH ? [value, bearer] : [value]) {
    const forms = known.get(secret) ?? formsOf(secret);
    // Re-inserting moves it to the newest end; the oldest is dropped past the bound.
    known.delete(secret);
    known.set(secret, forms);
    if (known.size > MAX_SECRETS) known.delete(known.keys().next().value as string);
  }
  cached = undefined;
}

/** Every remembered secret (and a bearer token's bare value). */
export function knownSecrets(): readonly string[] {
  return [...known.keys()];
}

/** Every form of every remembered secret, longest first (so a key containing another is replaced whole). */
export function knownSecretForms(): readonly string[] {
  cached ??= [...new Set([...known.values()].flat())].sort((a, b) => b.length - a.length);
  return cached;
}

/**
 * A pattern for every spelling of `secret` a server (or a log line) may echo: each
 * character as itself, backslash-escaped (`\"`, `\\`, `\/`, `\'`: JSON, Python,
 * `util.inspect`), as a `\uXXXX` escape, percent-encoded in either case (`%22`,
 * `%5c`; `+` for a space), as an HTML entity, or mixed from one character to the
 * next: one encoder's output for a key with `"` or `\` in it is another's input.
 * Cached (bounded like the secrets themselves).
 */
export function secretPattern(secret: string): RegExp {
  let pattern = patterns.get(secret);
  if (!pattern) {
    pattern = new RegExp([...secret].map(spellings).join(""), "g");
    if (patterns.size >= MAX_SECRETS) patterns.delete(patterns.keys().next().value as string);
    patterns.set(secret, pattern);
  }
  pattern.lastIndex = 0;
  return pattern;
}

const patterns = new Map<string, RegExp>();
const NAMED_ENTITIES: Record<string, string> = {
  '"': "quot",
  "&": "amp",
  "'": "(?:apos|#39)",
  "<": "lt",
  ">": "gt",
};

/** `[aA]` for a hex letter, the digit itself otherwise: hex case is free, the key's is not. */
function hexPattern(hex: string): string {
  return [...hex]
    .map((d) => (/[a-f]/i.test(d) ? `[${d.toLowerCase()}${d.toUpperCase()}]` : d))
    .join("");
}

function spellings(char: string): string {
  const code = char.codePointAt(0) as number;
  const literal = char.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  const alternatives = [literal];
  if (!/[A-Za-z0-9]/.test(char)) {
    // A backslash before it (itself raw or percent-encoded), as JSON, Python and inspect escape.
    alternatives.push(`(?:\\\\|%5[cC])+${literal}`);
    if (char.length === 1) alternatives.push(`\\\\u0*${hexPattern(code.toString(16))}`);
    alternatives.push(`&#0*${code};`, `&#[xX]0*${hexPattern(code.toString(16))};`);
    const named = NAMED_ENTITIES[char];
    if (named) alternatives.push(`&${named};`);
    if (char === " ") alternatives.push("\\+");
  } else alternatives.push(`\\\\u00${hexPattern(code.toString(16).padStart(2, "0"))}`);
  const bytes = new TextEncoder().encode(char);
  alternatives.push(
    [...bytes].map((b) => `%${hexPattern(b.toString(16).toUpperCase().padStart(2, "0"))}`).join(""),
  );
  return `(?:${alternatives.join("|")})`;
}

/** The ways a secret shows up once it went through JSON, a URL or `util.inspect`. */
function formsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const single = secret.replaceAll("\\", "\\\\").replaceAll("'", "\\'");
  return [...new Set([secret, json, single, encodeURIComponent(secret)])];
}
