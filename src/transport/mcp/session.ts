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
  const sessions = new SessionRenewal(send);
  return async (original) => {
    const request = sessions.current(original);
    const response = await send(request);
    if (response.status !== 404 && response.status !== 400) return response;
    const used = request.headers.get(SESSION_HEADER);
    if (
      !used ||
      request.method === "DELETE" ||
      !sessions.canRenew ||
      !(await isSessionLost(response))
    )
      return response;
    const fresh = await sessions.renew(used, request);
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

/**
 * The sessions one keeper has seen: the last `initialize` (what a renewal sends again),
 * each lost session id with the one that replaced it, and the renewal under way (one
 * at a time per lost id, however many requests found it lost).
 */
class SessionRenewal {
  private initialize: ReplayableRequest | undefined;
  private readonly replaced = new Map<string, string>();
  private renewing: { old: string; promise: Promise<string | undefined> } | undefined;
  private readonly send: Send;

  constructor(send: Send) {
    this.send = send;
  }

  /** Whether a lost session can be renewed: an `initialize` was seen. */
  get canRenew(): boolean {
    return this.initialize !== undefined;
  }

  /** `request` with the latest id of the session it carries; an `initialize` is kept for renewals. */
  current(request: ReplayableRequest): ReplayableRequest {
    const carried = request.headers.get(SESSION_HEADER);
    const sent =
      carried && this.replaced.has(carried) ? withSession(request, this.latest(carried)) : request;
    if (callsMethod(sent, "initialize")) this.initialize = sent;
    return sent;
  }

  /** The id that replaced `old` (renewing the session once if none has yet); `undefined` when it cannot be had. */
  renew(old: string, failing: ReplayableRequest): Promise<string | undefined> {
    if (this.replaced.has(old)) return Promise.resolve(this.latest(old));
    if (this.renewing?.old === old) return this.renewing.promise;
    const init = this.initialize;
    if (!init) return Promise.resolve(undefined);
    const promise = (async () => {
      const fresh = await reinitialize(this.send, init, failing);
      if (fresh) this.replaced.set(old, fresh);
      return fresh;
    })().finally(() => {
      if (this.renewing?.promise === promise) this.renewing = undefined;
    });
    this.renewing = { old, promise };
    return promise;
  }

  private latest(id: string): string {
    let current = id;
    for (let i = 0; i < 100 && this.replaced.has(current); i++)
      current = this.replaced.get(current)!;
    return current;
  }
}

/**
 * A new session: `init` sent again without a session id, then `notifications/initialized`
 * with the new one, both on the failing request's signal; the new id, or `undefined`
 * when the server gave none.
 */
async function reinitialize(
  send: Send,
  init: ReplayableRequest,
  failing: ReplayableRequest,
): Promise<string | undefined> {
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
  return fresh;
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
