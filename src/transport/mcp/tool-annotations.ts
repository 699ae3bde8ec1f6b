import { createParser } from "eventsource-parser";
import { callsMethod, type ReplayableRequest } from "../http/request.js";
import { isJsonType, mimeEssence } from "../policy/classify.js";

/**
 * What `tools/list` answers seen through one fetch said about each tool: whether
 * it is read-only or idempotent, so a `tools/call` of it may be sent again after
 * an ambiguous failure. Tools never listed count as unsafe.
 */
export interface ToolAnnotationsRegistry {
  /** True when the tool was listed with `readOnlyHint` or `idempotentHint`. */
  isResendable(toolName: string | undefined): boolean;
  /**
   * Reads the tool list out of the answer to a `tools/list` request (JSON-RPC, JSON
   * or event stream) or to PlanExe's `GET …/tools`; returns the response to hand on.
   */
  learn(request: ReplayableRequest, response: Response): Response;
  /**
   * For a `tools/call` of a tool never listed: asks `tools/list` once per MCP session
   * (same URL, headers and session; through `send`, so under the retry policy) and
   * records the annotations. True when it asked; false when there was nothing to ask
   * (not a `tools/call`, the tool already known, or this session already asked).
   */
  listOnce(
    request: ReplayableRequest,
    signal: AbortSignal,
    send: (list: ReplayableRequest) => Promise<Response>,
  ): Promise<boolean>;
}

interface ToolInfo {
  name?: unknown;
  annotations?: { readOnlyHint?: unknown; idempotentHint?: unknown };
}

/** Pages of a paginated `tools/list` read at the most. */
const MAX_LIST_PAGES = 10;

export function createToolAnnotationsRegistry(): ToolAnnotationsRegistry {
  const safe = new Map<string, boolean>();
  const asked = new Map<string, Promise<void>>();
  const record = (payload: unknown) => recordHints(safe, payload);
  return {
    async listOnce(request, signal, send) {
      const call = request.rpc?.find((message) => message.method === "tools/call");
      if (!call || call.toolName === undefined || safe.has(call.toolName)) return false;
      const session = request.headers.get("mcp-session-id") ?? "";
      let listing = asked.get(session);
      if (!listing) {
        const messageId = () => `planexe-client-tools-list-${asked.size}`;
        listing = listAll({ request, signal, send, record, messageId }).catch(() => {
          // The list could not be had: the tool stays unknown, so the call is not resent.
        });
        asked.set(session, listing);
      }
      await listing;
      return true;
    },
    isResendable(toolName) {
      return toolName !== undefined && safe.get(toolName) === true;
    },
    learn: (request, response) => learnFrom(request, response, record),
  };
}

/** Records, for each tool a `tools/list` answer (one message or a batch) names, whether it is safe to resend. */
function recordHints(safe: Map<string, boolean>, payload: unknown): void {
  const candidates = Array.isArray(payload) ? payload : [payload];
  for (const candidate of candidates) {
    if (typeof candidate !== "object" || candidate === null) continue;
    const record = candidate as { result?: { tools?: unknown }; tools?: unknown };
    const tools = record.result?.tools ?? record.tools;
    if (!Array.isArray(tools)) continue;
    for (const tool of tools as ToolInfo[]) {
      if (typeof tool?.name !== "string") continue;
      const hints = tool.annotations ?? {};
      safe.set(tool.name, hints.readOnlyHint === true || hints.idempotentHint === true);
    }
  }
}

/** Hands what an answer to a tool list says to `record`, leaving the response (or an equal one) to the caller. */
function learnFrom(
  request: ReplayableRequest,
  response: Response,
  record: (payload: unknown) => void,
): Response {
  if (!response.ok || !isToolList(request) || !response.body) return response;
  const contentType = response.headers.get("content-type");
  if (isJsonType(contentType)) {
    response
      .clone()
      .json()
      .then(record, () => {});
    return response;
  }
  if (mimeEssence(contentType) !== "text/event-stream") return response;
  const [mine, theirs] = response.body.tee();
  void readEvents(mine, record);
  return new Response(theirs, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

function isToolList(request: ReplayableRequest): boolean {
  return request.method === "GET"
    ? /\/tools\/?$/.test(new URL(request.url).pathname)
    : callsMethod(request, "tools/list");
}

/** One asking of the tool list, on behalf of a `tools/call` of an unknown tool. */
interface ToolListing {
  /** The `tools/call`: its URL, headers and session are the list's. */
  request: ReplayableRequest;
  signal: AbortSignal;
  send: (list: ReplayableRequest) => Promise<Response>;
  record: (payload: unknown) => void;
  /** The JSON-RPC id of the next page's request. */
  messageId: () => string;
}

async function listAll(listing: ToolListing): Promise<void> {
  const { request } = listing;
  // PlanExe's REST mirror: `POST …/tools/call` is listed by `GET …/tools`.
  const body =
    typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body);
  if (!/"jsonrpc"/.test(body)) return listRest(listing);
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    cursor = await listPage(listing, cursor);
    if (cursor === undefined) break;
  }
}

/** PlanExe's `GET …/tools`, beside the `POST …/tools/call` of `listing`. */
async function listRest({ request, signal, send, record }: ToolListing): Promise<void> {
  const url = new URL(request.url);
  url.pathname = url.pathname.replace(/\/call\/?$/, "");
  const response = await send({
    ...request,
    url: url.toString(),
    method: "GET",
    body: undefined,
    rpc: undefined,
    signal,
  });
  if (isJsonType(response.headers.get("content-type")))
    record(await response.json().catch(() => undefined));
  else await response.body?.cancel().catch(() => {});
}

/** One `tools/list` page on the session of the listing's request; its `nextCursor`, if any. */
async function listPage(
  { request, signal, send, record, messageId }: ToolListing,
  cursor: string | undefined,
): Promise<string | undefined> {
  const message = {
    jsonrpc: "2.0",
    id: messageId(),
    method: "tools/list",
    ...(cursor !== undefined && { params: { cursor } }),
  };
  const headers = new Headers(request.headers);
  headers.set("content-type", "application/json");
  headers.set("accept", "application/json, text/event-stream");
  const response = await send({
    ...request,
    method: "POST",
    headers,
    body: JSON.stringify(message),
    rpc: [{ method: "tools/list" }],
    signal,
  });
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => {});
    return undefined;
  }
  let next: string | undefined;
  const take = (payload: unknown) => {
    record(payload);
    const result = (payload as { result?: { nextCursor?: unknown } } | null)?.result;
    if (typeof result?.nextCursor === "string") next = result.nextCursor;
  };
  // The transport bounds both (a JSON answer is read whole up to maxResponseBytes, an
  // event stream answering a JSON-RPC request is cut there); anything else is not read.
  const contentType = response.headers.get("content-type");
  if (mimeEssence(contentType) === "text/event-stream") await readEvents(response.body, take);
  else if (isJsonType(contentType)) take(await response.json().catch(() => undefined));
  else await response.body.cancel().catch(() => {});
  return next;
}

async function readEvents(body: ReadableStream<Uint8Array>, onData: (data: unknown) => void) {
  const parser = createParser({
    onEvent(event) {
      try {
        onData(JSON.parse(event.data));
      } catch {
        // Not JSON: not a tool list.
      }
    },
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } catch {
    // The caller's branch reports stream failures.
  }
}
