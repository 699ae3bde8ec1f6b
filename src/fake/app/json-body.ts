/** A request body read as JSON; `undefined` when it is empty or not JSON (each route answers that its own way). */
export function jsonBody(body: Uint8Array | undefined): unknown {
  if (!body || body.length === 0) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    return undefined;
  }
}
