import { type Clock, timeoutSignal } from "./clock.js";
import { readAll } from "./read-all.js";
import { rebuildResponse } from "./rebuild-response.js";

/** The most of an error body kept (an error page, a JSON-RPC error); the rest is cut. */
const MAX_ERROR_BODY_BYTES = 1_048_576;

/**
 * The forms a secret takes in a body: as is, JSON-escaped (a key with a quote or a
 * backslash) and percent-encoded (a key echoed inside a URL).
 */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  // Longest first, so a form that contains another is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * A non-2xx response with the request's own secrets (its `X-API-Key`, bearer token,
 * download token, the `secrets` option) replaced by `***` in its body, so an error
 * built from that body — by the MCP SDK, or the caller's own code — cannot carry
 * them. The body is read within `timeoutMs` and at most 1 MiB of it is kept; a body
 * that fails to arrive is handed on empty. Any other response is returned as is.
 */
export async function scrubErrorBody(
  response: Response,
  secrets: readonly string[],
  clock: Clock,
  timeoutMs: number,
): Promise<Response> {
  if (response.ok || !response.body || secrets.length === 0) return response;
  const bound = timeoutSignal(timeoutMs, { clock });
  let text = "";
  try {
    const bytes = await readAll(response.body, () => ({ signal: bound.signal, dispose() {} }));
    text = new TextDecoder().decode(bytes.subarray(0, MAX_ERROR_BODY_BYTES));
  } catch {
    // An error body that breaks or stalls carries nothing the caller needs.
  } finally {
    bound.dispose();
  }
  for (const form of secretForms(secrets)) text = text.split(form).join("***");
  return rebuildResponse(response, text);
}
