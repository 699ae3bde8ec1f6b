/**
 * The secrets this process was given (API keys, bearer tokens): every `PlanExeError`
 * is scrubbed of them, whoever built it. Module state on purpose: an error raised
 * deep in a transport knows no key, yet must not carry one the server echoed back.
 * Bounded: the most recently used {@link MAX_SECRETS} are kept (a backend that makes
 * one client per user touches its key on every call), so memory and the cost of a
 * scrub stay flat however many keys a long-lived process sees.
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

/** Every form of every remembered secret, longest first (so a key containing another is replaced whole). */
export function knownSecretForms(): readonly string[] {
  cached ??= [...new Set([...known.values()].flat())].sort((a, b) => b.length - a.length);
  return cached;
}

/** The ways a secret shows up once it went through JSON, a URL or `util.inspect`. */
export function formsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const single = secret.replaceAll("\\", "\\\\").replaceAll("'", "\\'");
  return [...new Set([secret, json, single, encodeURIComponent(secret)])];
}
