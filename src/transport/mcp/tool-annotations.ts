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

  const record = (payload: unknown) => {
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
  };

  const isToolList = (request: ReplayableRequest) =>
    request.method === "GET"
      ? /\/tools\/?$/.test(new URL(request.url).pathname)
      : callsMethod(request, "tools/list");

  /** One `tools/list` page on the session of `request`; its `nextCursor`, if any. */
  const listPage = async (
    request: ReplayableRequest,
    signal: AbortSignal,
    send: (list: ReplayableRequest) => Promise<Response>,
    cursor: string | undefined,
  ): Promise<string | undefined> => {
    const message = {
      jsonrpc: "2.0",
      id: `planexe-client-tools-list-${asked.size}`,
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
  };

  const listAll = async (
    request: ReplayableRequest,
    signal: AbortSignal,
    send: (list: ReplayableRequest) => Promise<Response>,
  ) => {
    const url = new URL(request.url);
    // PlanExe's REST mirror: `POST …/tools/call` is listed by `GET …/tools`.
    const body =
      typeof request.body === "string" ? request.body : new TextDecoder().decode(request.body);
    if (!/"jsonrpc"/.test(body)) {
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
      return;
    }
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      cursor = await listPage(request, signal, send, cursor);
      if (cursor === undefined) break;
    }
  };

  return {
    async listOnce(request, signal, send) {
      const call = request.rpc?.find((message) => message.method === "tools/call");
      if (!call || call.toolName === undefined || safe.has(call.toolName)) return false;
      const session = request.headers.get("mcp-session-id") ?? "";
      let listing = asked.get(session);
      if (!listing) {
        listing = listAll(request, signal, send).catch(() => {
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
    learn(request, response) {
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
    },
  };
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
