/**
 * The secrets this process was given (API keys, bearer tokens): every `PlanExeError`
 * is scrubbed of them, whoever built it. Module state on purpose: an error raised
 * deep in a transport knows no key, yet must not carry one the server echoed back.
 */
const known = new Set<string>();

/** Shorter values would blank out ordinary words. */
const MIN_LENGTH = 4;

/** Remembers `value` as a secret (ignored when empty or shorter than 4 characters). */
export function rememberSecret(value: string | undefined): void {
  if (typeof value !== "string" || value.length < MIN_LENGTH) return;
  known.add(value);
  // Also the bare token of an `Authorization: Bearer …` value.
  const bearer = /^bearer\s+(.+)$/i.exec(value)?.[1]?.trim();
  if (bearer && bearer.length >= MIN_LENGTH) known.add(bearer);
}

/** Every remembered secret, longest first (so a key containing another is replaced whole). */
export function knownSecrets(): readonly string[] {
  return [...known].sort((a, b) => b.length - a.length);
}
