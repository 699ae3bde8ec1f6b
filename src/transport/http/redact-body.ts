import { redact } from "../../errors/redact.js";
import { type Clock, timeoutSignal } from "../../time/clock.js";
import { BufferedResponse } from "./buffered-response.js";
import { forEachChunk } from "./each-chunk.js";

/** The most of an error body kept (an error page, a JSON-RPC error); the rest is cut. */
const MAX_ERROR_BODY_BYTES = 1_048_576;

/**
 * A non-2xx response with the request's own secrets (its `X-API-Key`, bearer token,
 * download token, the `secrets` option) replaced by `***` in its body, so an error
 * built from that body — by the MCP SDK, or the caller's own code — cannot carry
 * them. The body is read within `timeoutMs` and at most 1 MiB of it is kept; a body
 * that fails to arrive is handed on empty. Any other response is returned as is.
 */
export async function redactErrorBody(
  response: Response,
  secrets: readonly string[],
  clock: Clock,
  timeoutMs: number,
): Promise<Response> {
  if (response.ok || !response.body) return response;
  const bound = timeoutSignal(timeoutMs, { clock });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    await forEachChunk(
      response.body,
      () => ({ signal: bound.signal, dispose() {} }),
      (chunk) => {
        chunks.push(chunk);
        size += chunk.byteLength;
        // Enough to show the error; the rest is not read (the body is cancelled).
        if (size >= MAX_ERROR_BODY_BYTES) throw new RangeError("error body cut");
      },
    );
  } catch {
    // An error body that breaks, stalls or runs long carries nothing more the caller needs.
  } finally {
    bound.dispose();
  }
  const decoder = new TextDecoder();
  const text = chunks.map((chunk) => decoder.decode(chunk, { stream: true })).join("");
  // These secrets and the process's, in every form, pex_ keys, tokens, user info.
  const clean = redact((text + decoder.decode()).slice(0, MAX_ERROR_BODY_BYTES), { secrets });
  return new BufferedResponse(response, new TextEncoder().encode(clean), false);
}

/** `"error": {` as JSON-RPC (and Python's `json.dumps`) writes an error member. */
const JSON_RPC_ERROR = /"error"\s*:\s*\{/;

/**
 * A JSON answer's bytes with the request's secrets replaced by `***` when it carries
 * a JSON-RPC error that echoes one (a hostile or careless server's "invalid key pex_…"
 * on HTTP 200): the MCP SDK builds its `McpError` message from it. Any other answer is
 * handed back untouched, without a copy.
 */
export function redactJsonError(
  bytes: Uint8Array<ArrayBuffer>,
  secrets: readonly string[],
): Uint8Array<ArrayBuffer> {
  if (secrets.length === 0) return bytes;
  const text = new TextDecoder().decode(bytes);
  if (!JSON_RPC_ERROR.test(text)) return bytes;
  // The secrets alone: a result's other fields (a signed URL) stay as sent.
  const clean = redact(text, { secrets, keepLinks: true });
  return clean === text ? bytes : new TextEncoder().encode(clean);
}
