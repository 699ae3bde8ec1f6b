import { railwayBadGateway } from "../fake/railway-502.js";
import type { Clock } from "../time/clock.js";
import type { DeployControls } from "./deploy.js";
import type { AnswerQueue, FaultQueue } from "./faults.js";
import type { ReplicaPool } from "./replica-pool.js";
import type { MutableLoggedRequest, RequestLog } from "./request-log.js";

interface EdgeParts {
  clock: Clock;
  pool: ReplicaPool;
  deploy: DeployControls;
  faults: FaultQueue;
  answers: AnswerQueue;
  log: RequestLog & { add(entry: MutableLoggedRequest): void };
}

/** The JSON-RPC method and tool name of a tool call, read from a copy of the body. */
async function peekCall(
  request: Request,
  path: string,
): Promise<{ rpcMethod: string | undefined; tool: string | undefined; rpcId?: unknown }> {
  const none = { rpcMethod: undefined, tool: undefined };
  if (request.method !== "POST" || !/^\/mcp(\/|\/tools\/call)?$/.test(path)) return none;
  let body: unknown;
  try {
    body = JSON.parse(await request.clone().text());
  } catch {
    return none;
  }
  const message = (Array.isArray(body) ? body[0] : body) as Record<string, unknown> | null;
  if (!message || typeof message !== "object") return none;
  if (path === "/mcp/tools/call")
    return {
      rpcMethod: undefined,
      tool: typeof message.tool === "string" ? message.tool : undefined,
    };
  const rpcMethod = typeof message.method === "string" ? message.method : undefined;
  const params = message.params as Record<string, unknown> | undefined;
  const tool =
    rpcMethod === "tools/call" && typeof params?.name === "string" ? params.name : undefined;
  return { rpcMethod, tool, rpcId: message.id };
}

/**
 * Railway's edge in front of the replicas: logs every request, applies scripted
 * faults, answers 502 while no replica is up, else hands the request to the next
 * replica in turn.
 */
export function createEdge(parts: EdgeParts): (request: Request) => Promise<Response> {
  const { clock, pool, deploy, faults, answers, log } = parts;
  let requestCount = 0;
  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname;
    const entry: MutableLoggedRequest = {
      method: request.method,
      path,
      search: url.search,
      at: clock.now(),
      status: undefined,
      replica: null,
      rpcMethod: undefined,
      tool: undefined,
      deploy: deploy.active?.kind,
      fault: undefined,
    };
    log.add(entry);
    const { rpcId, ...call } = await peekCall(request, path);
    Object.assign(entry, call);
    entry.fault = faults.take(entry);
    if (entry.fault === "reset-before") {
      entry.status = 0;
      return Response.error();
    }
    const respond = entry.fault === undefined ? answers.take(entry) : undefined;
    if (respond) {
      const answer = await respond({ request, id: rpcId });
      entry.status = answer.type === "error" ? 0 : answer.status;
      return answer;
    }
    const replica = pool.pick();
    if (!replica) {
      entry.status = 502;
      requestCount++;
      return railwayBadGateway(`edge-${requestCount.toString(16).padStart(8, "0")}`);
    }
    entry.replica = replica.id;
    let response: Response;
    try {
      response = await replica.fetch(request, path);
    } catch (error) {
      // A bug in the app: let msw answer 500 with the stack instead of hiding it behind a retry.
      entry.status = 500;
      throw error;
    }
    if (entry.fault === "response-lost") {
      await response.body?.cancel().catch(() => {});
      entry.status = 0;
      return Response.error();
    }
    entry.status = response.type === "error" ? 0 : response.status;
    if (entry.fault === "stall-body") return stalled(response);
    return response;
  };
}

/** The same headers and the first half of the body, then nothing more until the reader cancels. */
async function stalled(response: Response): Promise<Response> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.subarray(0, Math.floor(bytes.length / 2)));
    },
  });
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}
