/**
 * MCP's Streamable HTTP, client side, as far as `PlanExeClient` needs it: the
 * `initialize` handshake (+ `notifications/initialized`), `tools/list` and
 * `tools/call`, each one JSON-RPC POST to the `/mcp` URL whose answer is read as
 * JSON or as an event stream. It replaces the MCP SDK's `Client` +
 * `StreamableHTTPClientTransport` in the root entry: the SDK's modules build zod
 * schemas of the whole MCP spec at load time (86 KB gzipped in a page, not
 * droppable by a bundler), for four exchanges.
 *
 * Every request goes through the `fetch` it is given (the resilient fetch: retries,
 * the outage episode, session renewal, rate limits) with the headers the SDK sent.
 * The standalone `GET /mcp` stream is never opened: PlanExe sends nothing on it,
 * and each open one holds one of PlanExe's rate-limit slots. No `DELETE` of the
 * session on close either (the SDK's `close()` sends none; PlanExe is stateless).
 * Failures are thrown as the classes below (or the fetch's own typed errors) and
 * mapped to the package's typed errors by `call-error.ts`.
 */
import type { CallToolResult, Tool } from "@modelcontextprotocol/server";
import { createParser } from "eventsource-parser";
import { allowManyListeners, anySignal, raceSignal } from "../time/signals.js";
import type { FetchFunction } from "../transport/http/fetch-function.js";
import { isJsonType, mimeEssence } from "../transport/policy/classify.js";

/** The version offered in `initialize`: `LATEST_PROTOCOL_VERSION` of `@modelcontextprotocol/core` 2.4.0 (its legacy handshake's offer). */
const OFFERED_VERSION = "2025-11-25";
/** Versions accepted in the server's answer: `SUPPORTED_PROTOCOL_VERSIONS` of `@modelcontextprotocol/core` 2.4.0. */
const SUPPORTED_VERSIONS: readonly string[] = [
  OFFERED_VERSION,
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
  "2024-10-07",
];

/** A JSON-RPC error answer (PlanExe's −32001 for a bad key, −32602 for bad params, …). */
export class RpcError extends Error {
  override readonly name = "RpcError";
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(`MCP error ${code}: ${message}`);
  }
}

/** A non-2xx answer the fetch handed back (it gave up retrying, or the status is final). */
export class HttpStatusError extends Error {
  override readonly name = "HttpStatusError";
  constructor(
    readonly status: number,
    readonly text: string | null,
  ) {
    super(`Error POSTing to endpoint: ${text ?? `HTTP ${status}`}`);
  }
}

/** A 2xx answer that is neither JSON nor an event stream (a proxy's HTML page). */
export class ContentTypeError extends Error {
  override readonly name = "ContentTypeError";
}

/** What a {@link McpHttpClient} needs. */
export interface McpHttpOptions {
  url: URL;
  fetch: FetchFunction;
  headers: Record<string, string>;
  clientInfo: { name: string; version: string };
}

/** A `tools/call`'s parameters as sent; `_meta` last (`CallSignals` finds its tag there). */
export interface CallToolParams {
  name: string;
  arguments: Record<string, unknown>;
  _meta?: Record<string, string>;
}

type Message = Record<string, unknown>;

/** One MCP session over Streamable HTTP: {@link connect} once, then calls; {@link close} aborts them all. */
export class McpHttpClient {
  private readonly stop = new AbortController();
  private nextId = 0;
  private sessionId: string | undefined;
  private protocolVersion: string | undefined;
  private instructions: string | undefined;

  constructor(private readonly options: McpHttpOptions) {
    // Each request in flight links its own signal to this one: no Node warning past 10 at once.
    allowManyListeners(this.stop.signal);
  }

  /** `initialize` (the version negotiated, the session id and instructions kept), then `notifications/initialized`. */
  async connect(): Promise<void> {
    const { clientInfo } = this.options;
    const result = await this.request("initialize", {
      protocolVersion: OFFERED_VERSION,
      capabilities: {},
      clientInfo,
    });
    const version = result.protocolVersion;
    if (typeof version !== "string" || !SUPPORTED_VERSIONS.includes(version))
      throw new Error(`Server's protocol version is not supported: ${String(version)}`);
    this.protocolVersion = version;
    if (typeof result.instructions === "string") this.instructions = result.instructions;
    const response = await this.post({ method: "notifications/initialized", jsonrpc: "2.0" });
    if (!response.ok) throw await statusError(response);
    await response.body?.cancel().catch(() => {});
  }

  /** The `instructions` of the server's `initialize` answer. */
  getInstructions(): string | undefined {
    return this.instructions;
  }

  /** One page of `tools/list`. */
  async listTools(
    cursor?: string,
    signal?: AbortSignal,
  ): Promise<{ tools: Tool[]; nextCursor?: string }> {
    const result = await this.request(
      "tools/list",
      cursor === undefined ? undefined : { cursor },
      signal,
    );
    const { tools, nextCursor } = result;
    if (
      !Array.isArray(tools) ||
      !tools.every((tool) => isObject(tool) && typeof tool.name === "string")
    )
      throw new Error("tools/list answered without a list of named tools");
    if (nextCursor !== undefined && typeof nextCursor !== "string")
      throw new Error("tools/list answered a nextCursor that is not a string");
    return { tools: tools as Tool[], ...(nextCursor !== undefined && { nextCursor }) };
  }

  /** `tools/call`; the result checked for the shape MCP gives it (a `content` array, …). */
  async callTool(params: CallToolParams, signal?: AbortSignal): Promise<CallToolResult> {
    const result = await this.request("tools/call", params, signal);
    const content = result.content ?? [];
    if (
      !Array.isArray(content) ||
      !content.every((block) => isObject(block) && typeof block.type === "string")
    )
      throw new Error("tools/call answered a content that is not a list of typed blocks");
    if (result.structuredContent !== undefined && !isObject(result.structuredContent))
      throw new Error("tools/call answered a structuredContent that is not an object");
    if (result.isError !== undefined && typeof result.isError !== "boolean")
      throw new Error("tools/call answered an isError that is not a boolean");
    return { ...result, content } as CallToolResult;
  }

  /** Aborts every request in flight with `reason`; later requests reject with it. */
  close(reason: unknown): void {
    this.stop.abort(reason);
  }

  /** One request and its answer's `result`; `signal` (and {@link close}) abort it. */
  private async request(method: string, params?: object, signal?: AbortSignal): Promise<Message> {
    const id = this.nextId++;
    const linked = anySignal([this.stop.signal, signal]);
    try {
      const exchange = async () => {
        const response = await this.post(
          { method, ...(params && { params }), jsonrpc: "2.0", id },
          linked.signal,
        );
        if (!response.ok) throw await statusError(response);
        if (method === "initialize")
          this.sessionId = response.headers.get("mcp-session-id") || undefined;
        const answer = unwrap(await readAnswer(response, id), method);
        if (!isObject(answer)) throw new Error(`${method} answered a result that is not an object`);
        return answer;
      };
      return await raceSignal(exchange(), linked.signal);
    } finally {
      linked.dispose();
    }
  }

  private post(message: Message, signal: AbortSignal = this.stop.signal): Promise<Response> {
    const headers = new Headers(this.options.headers);
    if (this.sessionId && message.method !== "initialize")
      headers.set("mcp-session-id", this.sessionId);
    if (this.protocolVersion) headers.set("mcp-protocol-version", this.protocolVersion);
    headers.set("content-type", "application/json");
    headers.set("accept", "application/json, text/event-stream");
    return this.options.fetch(this.options.url, {
      method: "POST",
      headers,
      body: JSON.stringify(message),
      signal,
    });
  }
}

/** The response to request `id` in a 2xx answer: JSON (one message or a batch) or an event stream. */
async function readAnswer(response: Response, id: number): Promise<Message> {
  const type = mimeEssence(response.headers.get("content-type"));
  if (type === "text/event-stream") return fromEventStream(response, id);
  if (!isJsonType(type)) {
    await response.body?.cancel().catch(() => {});
    throw new ContentTypeError(`Unexpected content type: ${type || "none"}`);
  }
  const data: unknown = await response.json();
  const messages = Array.isArray(data) ? data : [data];
  const answer = messages.find((message) => isResponseTo(message, id));
  if (answer) return answer;
  throw new Error(
    messages.every(isJsonRpc)
      ? `the answer holds no response to request ${id}`
      : "the answer is not a JSON-RPC message",
  );
}

/** Reads events until the response to `id`; notifications and server requests before it are passed over. */
async function fromEventStream(response: Response, id: number): Promise<Message> {
  const reader = response.body?.getReader();
  if (!reader) throw new Error("the event stream has no body");
  let answer: Message | undefined;
  const parser = createParser({
    onEvent: (event) => {
      if (answer || (event.event !== undefined && event.event !== "message")) return;
      let message: unknown;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (isResponseTo(message, id)) answer = message;
    },
  });
  const decoder = new TextDecoder();
  while (!answer) {
    const step = await reader.read();
    if (step.done) break;
    parser.feed(decoder.decode(step.value, { stream: true }));
  }
  // The rest of the stream (the server ends it after the response) is not needed.
  if (answer) await reader.cancel().catch(() => {});
  else throw new Error(`the event stream ended without the response to request ${id}`);
  return answer;
}

/** `result` of a response, or its error thrown as {@link RpcError}. */
function unwrap(message: Message, method: string): unknown {
  if ("error" in message) {
    const error = message.error;
    if (!isObject(error) || typeof error.code !== "number")
      throw new Error(`${method} answered an error without a numeric code`);
    throw new RpcError(
      error.code,
      typeof error.message === "string" ? error.message : "",
      error.data,
    );
  }
  return message.result;
}

async function statusError(response: Response): Promise<HttpStatusError> {
  const text = await response.text().catch(() => null);
  return new HttpStatusError(response.status, text);
}

function isJsonRpc(message: unknown): message is Message {
  return isObject(message) && message.jsonrpc === "2.0";
}

/** The response to request `id`: its id, or `null` on an error the server could not tie to a request. */
function isResponseTo(message: unknown, id: number): message is Message {
  if (!isJsonRpc(message) || "method" in message) return false;
  if (!("result" in message) && !("error" in message)) return false;
  return message.id === id || (message.id === null && "error" in message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
