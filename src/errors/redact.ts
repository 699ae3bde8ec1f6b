// The one redaction. Everything that leaves the process — an error (`PlanExeError` redacts
// itself when built), a stream event, a tool result or progress message handed to a model,
// a CLI line, a log line, an error body handed to the MCP SDK — goes through `redact()`
// (or, for a URL or headers, `redactUrl()` / `redactHeaders()`) here. `secrets.ts` behind
// it remembers the process's keys and spells them every way a server may echo them.
import {
  knownSecretForms,
  knownSecrets,
  rememberSecret,
  SECRET_HEADERS,
  SECRET_QUERY_PARAMS,
  secretPattern,
} from "./secrets.js";

export { rememberSecret };

/** What every secret is shown as. */
const REDACTED = "***";
/** `scheme://user:password@` and `scheme://token@`: URL user info is a secret. */
const USERINFO_PATTERN = String.raw`([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@`;
const USERINFO = new RegExp(String.raw`\b${USERINFO_PATTERN}`, "gi");
/** PlanExe API keys, wherever they appear. */
const PEX_KEY = /\bpex_[A-Za-z0-9_-]{4,}/g;
const TOKEN_PARAM = `[?&](?:${SECRET_QUERY_PARAMS.join("|")})=`;
/** Signed download tokens and other credentials in a query string. */
const TOKEN_QUERY = new RegExp(`(${TOKEN_PARAM})[^&#\\s"'<>]+`, "gi");
/** Plan ids: the progress stream's only credential. */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** C0 controls but tab and newline, DEL, and C1 controls (8-bit CSI, OSC, …). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** How deep objects are followed; deeper values become `"[…]"`. */
const MAX_DEPTH = 8;

/** Options of {@link redact}. */
export interface RedactOptions {
  /** Secrets to hide besides the remembered ones (a request's own key). @default [] */
  secrets?: readonly (string | undefined)[] | undefined;
  /** Also hide plan ids (UUIDs): for a message the SDK words around a URL or a server's text. @default false */
  planIds?: boolean;
  /**
   * Hide the secrets alone (every spelling), keeping URL user info, `pex_`-shaped
   * words and query tokens: for a tool result whose signed download link is meant
   * to be used. @default false
   */
  keepLinks?: boolean;
  /**
   * Also show every terminal control character as `\u00NN` instead of acted on (the
   * JSON escape, so a JSON line stays valid JSON): for text a terminal or a host
   * shows, which a server must not retitle, clear or move. @default false
   */
  controls?: boolean;
  /** How deep objects are followed; deeper values become `"[…]"`. @default 8 */
  maxDepth?: number;
}

/**
 * `value` with every spelling of every secret shown as `***`: the `secrets` given and
 * every remembered one (raw, JSON- or backslash-escaped, `\u`-escaped, URL-encoded in
 * either case, HTML entities, or a mix: `secretPattern` in `secrets.ts`), and, unless
 * `keepLinks`, `pex_` keys, URL user info and credential query values. A string comes
 * back as a string; in anything else every string is redacted, object keys included:
 * plain objects and arrays are copied, errors cloned with their prototype kept (so
 * `instanceof` holds) and their `name`, `message`, `stack`, `cause` and own fields
 * (a JSON-RPC error's `data`) redacted. Other objects, and a value with nothing to
 * hide, come back as they are.
 */
export function redact(text: string, options?: RedactOptions): string;
export function redact<T>(value: T, options?: RedactOptions): T;
export function redact(value: unknown, options: RedactOptions = {}): unknown {
  const text = textRedactor(options);
  if (typeof value === "string") return text(value);
  return walk(value, { text, maxDepth: options.maxDepth ?? MAX_DEPTH }, new WeakMap(), 0);
}

/**
 * A URL safe to print: plan ids (UUIDs, the progress stream's only credential),
 * query values (signed download tokens) and user info become `***`.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return String(url)
      .replace(UUID, REDACTED)
      .replace(/([?&][^=&#]+=)[^&#]*/g, `$1${REDACTED}`);
  }
  if (parsed.username) parsed.username = REDACTED;
  if (parsed.password) parsed.password = REDACTED;
  for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, REDACTED);
  const text = parsed.toString().replace(UUID, REDACTED);
  return text.replaceAll(encodeURIComponent(REDACTED), REDACTED);
}

/** A plain object of headers with the secret ones shown as `***`. */
export function redactHeaders(headers: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(headers).forEach((value, key) => {
    out[key] = SECRET_HEADERS.includes(key) ? REDACTED : value;
  });
  return out;
}

/** A quick look for anything {@link redact} would change: a known secret, `pex_`, URL user info, a token query. */
const MAY_HOLD = new RegExp(`pex_|${USERINFO_PATTERN}|${TOKEN_PARAM}`, "i");

/**
 * False when {@link redact} would leave `text` as it is, and the values of the
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
 * secret {@link redact} finds contains (`pex_`, `@`, `=`, a known secret's forms),
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

/** The text half of {@link redact}: what `options` asks for, in one function. */
function textRedactor(options: RedactOptions): (text: string) => string {
  const given = (options.secrets ?? []).filter(
    (s): s is string => typeof s === "string" && s.length >= 4,
  );
  const steps: ((text: string) => string)[] = [(text) => hideSecrets(text, given)];
  if (!options.keepLinks)
    steps.push((text) =>
      text
        .replace(USERINFO, `$1${REDACTED}@`)
        .replace(PEX_KEY, REDACTED)
        .replace(TOKEN_QUERY, `$1${REDACTED}`),
    );
  if (options.planIds) steps.push((text) => text.replace(UUID, REDACTED));
  if (options.controls)
    steps.push((text) =>
      text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
    );
  return (text) => steps.reduce((out, step) => step(out), text);
}

/** `text` with every spelling of `given` and of every remembered secret shown as `***`. */
function hideSecrets(text: string, given: readonly string[]): string {
  const known = knownSecrets();
  if (given.length === 0 && known.length === 0) return text;
  const secrets = [...new Set([...given, ...known])];
  // Longest first, so a secret that contains another is replaced whole.
  let out = text;
  for (const secret of secrets.sort((a, b) => b.length - a.length))
    out = out.replace(secretPattern(secret), REDACTED);
  return out;
}

interface Walker {
  text: (s: string) => string;
  maxDepth: number;
}

function walk(value: unknown, how: Walker, seen: WeakMap<object, unknown>, depth: number): unknown {
  if (typeof value === "string") return how.text(value);
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (depth >= how.maxDepth) return "[…]";
  if (Array.isArray(value)) {
    seen.set(value, value);
    const copy = value.map((item) => walk(item, how, seen, depth + 1));
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
    const cleanValue = walk(field.value, how, seen, depth + 1);
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
