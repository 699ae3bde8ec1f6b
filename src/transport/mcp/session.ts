import { callsMethod, type ReplayableRequest } from "../http/request.js";
import { isJsonType, mimeEssence } from "../policy/classify.js";

/** Sends one request (through the retry policy) and answers with its response. */
export type Send = (request: ReplayableRequest) => Promise<Response>;

const SESSION_HEADER = "mcp-session-id";
const INITIALIZED = new TextEncoder().encode(
  JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
);

/**
 * Keeps an MCP session alive across a server restart. When a server that hands
 * out `Mcp-Session-Id` answers a request carrying that id with 404 (the spec's
 * "session expired") or with 400 "No valid session ID" (servers built on the MCP
 * SDK's examples), it re-initializes once — the `initialize` request seen earlier,
 * then `notifications/initialized` — and replays the request once with the new
 * id. Requests still carrying the old id are sent with the new one (the v2 MCP
 * SDK's `StreamableHTTPClientTransport` keeps the id of its first `initialize`; the
 * 1.x one picks the new id up from the replayed response's `Mcp-Session-Id`), so a
 * plain SDK `Client` keeps working.
 */
export function createSessionKeeper(send: Send): Send {
  let initialize: ReplayableRequest | undefined;
  const replaced = new Map<string, string>();
  let renewing: { old: string; promise: Promise<string | undefined> } | undefined;

  const latest = (id: string): string => {
    let current = id;
    for (let i = 0; i < 100 && replaced.has(current); i++) current = replaced.get(current)!;
    return current;
  };

  const renew = (old: string, failing: ReplayableRequest): Promise<string | undefined> => {
    if (replaced.has(old)) return Promise.resolve(latest(old));
    if (renewing?.old === old) return renewing.promise;
    const init = initialize;
    if (!init) return Promise.resolve(undefined);
    const promise = (async () => {
      const headers = new Headers(init.headers);
      headers.delete(SESSION_HEADER);
      const answer = await send({ ...init, headers, signal: failing.signal });
      const fresh = answer.headers.get(SESSION_HEADER);
      await answer.body?.cancel().catch(() => {});
      if (!answer.ok || !fresh) return undefined;
      const noteHeaders = new Headers(headers);
      noteHeaders.set(SESSION_HEADER, fresh);
      const version = failing.headers.get("mcp-protocol-version");
      if (version) noteHeaders.set("mcp-protocol-version", version);
      const note = await send({
        ...init,
        headers: noteHeaders,
        body: INITIALIZED,
        rpc: [{ method: "notifications/initialized" }],
        signal: failing.signal,
      });
      await note.body?.cancel().catch(() => {});
      replaced.set(old, fresh);
      return fresh;
    })().finally(() => {
      if (renewing?.promise === promise) renewing = undefined;
    });
    renewing = { old, promise };
    return promise;
  };

  return async (original) => {
    let request = original;
    const carried = request.headers.get(SESSION_HEADER);
    if (carried && replaced.has(carried)) request = withSession(request, latest(carried));
    if (callsMethod(request, "initialize")) initialize = request;
    const response = await send(request);
    if (response.status !== 404 && response.status !== 400) return response;
    const used = request.headers.get(SESSION_HEADER);
    if (!used || request.method === "DELETE" || !initialize || !(await isSessionLost(response)))
      return response;
    const fresh = await renew(used, request);
    if (!fresh) return response;
    await response.body?.cancel().catch(() => {});
    const replay = await send(withSession(request, fresh));
    const headers = new Headers(replay.headers);
    headers.set(SESSION_HEADER, fresh);
    return new Response(replay.body, {
      status: replay.status,
      statusText: replay.statusText,
      headers,
    });
  };
}

function withSession(request: ReplayableRequest, id: string): ReplayableRequest {
  const headers = new Headers(request.headers);
  headers.set(SESSION_HEADER, id);
  return { ...request, headers };
}

/** 404 to a request with a session id (the spec), or a 400 that says the session id is not valid. */
async function isSessionLost(response: Response): Promise<boolean> {
  if (response.status === 404) return true;
  if (response.status !== 400) return false;
  const type = response.headers.get("content-type");
  if (!isJsonType(type) && mimeEssence(type) !== "text/plain") return false;
  const text = await response
    .clone()
    .text()
    .catch(() => "");
  return /session/i.test(text);
}
