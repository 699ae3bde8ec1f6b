/** One message of a JSON-RPC request body, as far as the transport cares. */
export interface RpcMessage {
  /** `initialize`, `tools/call`, `notifications/initialized`, … */
  method: string;
  /** Set for requests, absent for notifications. */
  id?: string | number;
  /** The tool's name, for `tools/call`. */
  toolName?: string;
}

const textDecoder = new TextDecoder();

/**
 * The JSON-RPC messages in a request body (one or a batch), or `undefined` when
 * the body is not JSON-RPC. PlanExe's REST mirror (`POST …/tools/call` with
 * `{"tool", "arguments"}`) is read as one `tools/call` too, so the same resend
 * rules apply to it.
 */
export function readRpcMessages(body: Uint8Array | string | undefined): RpcMessage[] | undefined {
  if (body === undefined || body.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === "string" ? body : textDecoder.decode(body));
  } catch {
    return undefined;
  }
  const items = Array.isArray(parsed) ? parsed : [parsed];
  const messages: RpcMessage[] = [];
  for (const item of items) {
    const message = toRpcMessage(item);
    if (!message) return undefined;
    messages.push(message);
  }
  return messages.length > 0 ? messages : undefined;
}

function toRpcMessage(item: unknown): RpcMessage | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  const record = item as Record<string, unknown>;
  if (typeof record.method === "string") {
    const message: RpcMessage = { method: record.method };
    if (typeof record.id === "string" || typeof record.id === "number") message.id = record.id;
    const params = record.params as Record<string, unknown> | undefined;
    if (record.method === "tools/call" && typeof params?.name === "string")
      message.toolName = params.name;
    return message;
  }
  if (typeof record.tool === "string" && !("jsonrpc" in record))
    return { method: "tools/call", toolName: record.tool };
  return undefined;
}
