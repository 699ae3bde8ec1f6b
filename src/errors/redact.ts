import { KEY_HEADERS, scrubText } from "./scrub.js";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** The headers that carry credentials: shown as `***`, never sent to another origin. The one list. */
export const SECRET_HEADERS: readonly string[] = [...KEY_HEADERS, "cookie", "proxy-authorization"];

/** What every secret is shown as. */
const REDACTED = "***";

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

/**
 * Replaces the given secrets, every secret the SDK was given, URL user info,
 * download tokens (see `scrubText`) and any UUID in `text` with `***`.
 */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  return scrubText(text, secrets).replace(UUID, REDACTED);
}

/** A plain object of headers with the secret ones shown as `***`. */
export function redactHeaders(headers: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  new Headers(headers).forEach((value, key) => {
    out[key] = SECRET_HEADERS.includes(key) ? REDACTED : value;
  });
  return out;
}
