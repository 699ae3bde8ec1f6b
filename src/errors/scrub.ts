import { knownSecretForms, knownSecrets, secretPattern } from "./secrets.js";

const REDACTED = "***";
/** `scheme://user:password@` and `scheme://token@`: URL user info is a secret. */
const USERINFO_PATTERN = String.raw`([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@`;
const USERINFO = new RegExp(String.raw`\b${USERINFO_PATTERN}`, "gi");
/** PlanExe API keys, wherever they appear. */
const PEX_KEY = /\bpex_[A-Za-z0-9_-]{4,}/g;
/** The headers PlanExe reads an API key from, in the order it reads them (`Authorization` wins). The one list. */
export const KEY_HEADERS: readonly string[] = [
  "authorization",
  "x-api-key",
  "api-key",
  "api_key",
  "x_api_key",
];
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
const TOKEN_PARAM = `[?&](?:${SECRET_QUERY_PARAMS.join("|")})=`;
/** Signed download tokens and other credentials in a query string. */
const TOKEN_QUERY = new RegExp(`(${TOKEN_PARAM})[^&#\\s"'<>]+`, "gi");
/** C0 controls but tab and newline, DEL, and C1 controls (8-bit CSI, OSC, …). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** How deep objects are followed; deeper values become `"[…]"`. */
const MAX_DEPTH = 8;

/**
 * `text` with every spelling of `secrets` (raw, JSON- or backslash-escaped, `\u`
 * escaped, URL-encoded in either case, HTML entities, or a mix: see `secretPattern`)
 * shown as `***`, and nothing else touched.
 */
export function hideSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  const given = secrets.filter((s): s is string => typeof s === "string" && s.length >= 4);
  if (given.length === 0) return text;
  // Longest first, so a secret that contains another is replaced whole.
  let out = text;
  for (const secret of [...new Set(given)].sort((a, b) => b.length - a.length))
    out = out.replace(secretPattern(secret), REDACTED);
  return out;
}

/** `text` with every known secret (in any spelling), URL user info, `pex_` keys and download tokens shown as `***`. */
export function scrubText(text: string, extra: readonly (string | undefined)[] = []): string {
  return hideSecrets(text, [...extra, ...knownSecrets()])
    .replace(USERINFO, `$1${REDACTED}@`)
    .replace(PEX_KEY, REDACTED)
    .replace(TOKEN_QUERY, `$1${REDACTED}`);
}

/** A quick look for anything {@link scrubText} would change: a known secret, `pex_`, URL user info, a token query. */
const MAY_HOLD = new RegExp(`pex_|${USERINFO_PATTERN}|${TOKEN_PARAM}`, "i");

/**
 * False when {@link scrubText} would leave `text` as it is, and the values of the
 * JSON it may be too (cheap enough for every stream event): a `\u` escape can spell
 * any secret, so JSON text with one is always worth a look at its parsed values.
 */
export function mayHoldSecret(text: string): boolean {
  // Plain substring checks first: an ordinary status event has none of these.
  if (hasPatternMark(text) && (MAY_HOLD.test(text) || text.includes(JSON_ESCAPE))) return true;
  return hasKnownSecret(text);
}

/**
 * False when no part of `text` can hold a secret: it has none of the marks every
 * secret {@link scrubText} finds contains (`pex_`, `@`, `=`, a known secret's forms),
 * nor a JSON `\u` escape that could spell one.
 * A mark is at most {@link secretMarkLength} characters long, so a reader of a stream
 * cut into pieces finds one split between two pieces by looking at that many across.
 */
export function mayHoldSecretPart(text: string): boolean {
  return hasPatternMark(text) || hasKnownSecret(text);
}

/** The length of the longest mark {@link mayHoldSecretPart} looks for. */
export function secretMarkLength(): number {
  // Known forms are sorted longest first.
  return Math.max(PEX.length, JSON_ESCAPE.length, knownSecretForms()[0]?.length ?? 0);
}

const PEX = "pex_";
/** A JSON `\uXXXX` escape: it can spell any character of a secret. */
const JSON_ESCAPE = "\\u";

function hasPatternMark(text: string): boolean {
  // "x_" before "pex_": a native search runs from the first character, and "p" starts
  // half the words of a progress event ("plan_id", "processing"), "x" none of them.
  return (
    (text.includes("x_") && text.includes(PEX)) ||
    text.includes("@") ||
    text.includes("=") ||
    text.includes(JSON_ESCAPE)
  );
}

function hasKnownSecret(text: string): boolean {
  for (const form of knownSecretForms()) if (text.includes(form)) return true;
  return false;
}

/**
 * `text` with every terminal control character shown as `\u00NN` instead of acted on:
 * a server's text must not set the window title, clear the screen or move the cursor.
 * (The JSON escape, so a JSON line stays valid JSON and decodes to what was sent.)
 */
export function visibleControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Options of {@link scrubValue}. */
export interface ScrubOptions {
  /** Secrets to hide besides the remembered ones (the request's own key). */
  secrets?: readonly (string | undefined)[];
  /** Also show every terminal control character as `\u00NN` ({@link visibleControls}): for text a host or a terminal shows. @default false */
  controls?: boolean;
  /** How deep objects are followed; deeper values become `"[…]"`. @default 8 */
  maxDepth?: number;
  /**
   * Hide the secrets alone (every spelling), leaving URL user info, `pex_`-shaped
   * words and query tokens as they are: for a tool result whose signed download link
   * is meant to be used. @default false
   */
  secretsOnly?: boolean;
}

/**
 * Text safe to show a person or a host (a CLI line, a progress message, a log line):
 * {@link scrubText}, then {@link visibleControls}. The one composition for display.
 */
export function displayText(text: string, secrets: readonly (string | undefined)[] = []): string {
  return visibleControls(scrubText(text, secrets));
}

/**
 * `value` with {@link scrubText} (and, with `controls`, {@link visibleControls})
 * applied to every string in it, object keys included, or `value` itself when
 * nothing needed it. Plain objects and arrays are copied; errors are cloned
 * with their prototype kept (so `instanceof` still holds) and their `name`,
 * `message`, `stack`, `cause` and own fields (a JSON-RPC error's `data`) scrubbed.
 * Other objects are kept as they are.
 */
export function scrubValue(value: unknown, options: ScrubOptions = {}): unknown {
  const secrets = options.secrets ?? [];
  const hide = options.secretsOnly
    ? (s: string) => hideSecrets(s, [...secrets, ...knownSecrets()])
    : (s: string) => scrubText(s, secrets);
  const text = options.controls ? (s: string) => visibleControls(hide(s)) : hide;
  return scrub(value, { text, maxDepth: options.maxDepth ?? MAX_DEPTH }, new WeakMap(), 0);
}

interface Scrubber {
  text: (s: string) => string;
  maxDepth: number;
}

function scrub(
  value: unknown,
  how: Scrubber,
  seen: WeakMap<object, unknown>,
  depth: number,
): unknown {
  if (typeof value === "string") return how.text(value);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (depth >= how.maxDepth) return "[…]";
  if (Array.isArray(value)) {
    seen.set(value, value);
    const copy = value.map((item) => scrub(item, how, seen, depth + 1));
    const changed = copy.some((item, i) => item !== value[i]);
    seen.set(value, changed ? copy : value);
    return changed ? copy : value;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  const isError =
    value instanceof Error || Object.prototype.toString.call(value) === "[object Error]";
  if (!isError && proto !== Object.prototype && proto !== null) return value;
  seen.set(value, value);
  const fields = new Map<string | symbol, { value: unknown; enumerable: boolean }>();
  if (isError)
    for (const key of ["name", "message", "stack"])
      fields.set(key, { value: readSafely(value, key), enumerable: false });
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (!descriptor) continue;
    // An accessor (V8's `stack` may be one) is read once and kept as a plain value.
    const raw = "value" in descriptor ? descriptor.value : readSafely(value, key);
    fields.set(key, { value: raw, enumerable: descriptor.enumerable ?? false });
  }
  let changed = false;
  const clean = new Map<string | symbol, { value: unknown; enumerable: boolean }>();
  for (const [key, field] of fields) {
    // A key is text the server chose too: `{ "pex_…": 1 }` echoes a key as well as a value does.
    const cleanKey = typeof key === "string" ? how.text(key) : key;
    const cleanValue = scrub(field.value, how, seen, depth + 1);
    if (cleanValue !== field.value || cleanKey !== key) changed = true;
    clean.set(cleanKey, { value: cleanValue, enumerable: field.enumerable });
  }
  if (!changed) return value;
  const copy = Object.create(proto) as object;
  for (const [key, field] of clean)
    Object.defineProperty(copy, key, { ...field, writable: true, configurable: true });
  seen.set(value, copy);
  return copy;
}

function readSafely(target: object, key: string | symbol): unknown {
  try {
    return Reflect.get(target, key);
  } catch {
    return undefined;
  }
}
