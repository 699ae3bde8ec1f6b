import { createParser } from "eventsource-parser";
import { isJsonType, mimeEssence } from "./classify.js";
import type { ReplayableRequest } from "./request.js";

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
}

interface ToolInfo {
  name?: unknown;
  annotations?: { readOnlyHint?: unknown; idempotentHint?: unknown };
}

export function createToolAnnotationsRegistry(): ToolAnnotationsRegistry {
  const safe = new Map<string, boolean>();

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
    request.rpc
      ? request.rpc.some((message) => message.method === "tools/list")
      : request.method === "GET" && /\/tools\/?$/.test(new URL(request.url).pathname);

  return {
    isResendable(toolName) {
      return toolName !== undefined && safe.get(toolName) === true;
    },
    learn(request, response) {
      if (!response.ok || !response.body || !isToolList(request)) return response;
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
