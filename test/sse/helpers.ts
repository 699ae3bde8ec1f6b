import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PlanWatch, PlanWatchEvent } from "../../src/index.js";

/** A bare node:http server on 127.0.0.1 port 0 whose handler writes exact bytes; `n` counts requests from 1. */
export async function startRawServer(
  handler: (req: IncomingMessage, res: ServerResponse, n: number) => void,
): Promise<{
  url: string;
  requests: IncomingMessage[];
  /** Resolves when request number `n` has arrived. */
  request(n: number): Promise<IncomingMessage>;
  close(): Promise<void>;
}> {
  const requests: IncomingMessage[] = [];
  const waiters = new Map<number, (req: IncomingMessage) => void>();
  const server = createServer((req, res) => {
    requests.push(req);
    const n = requests.length;
    waiters.get(n)?.(req);
    handler(req, res, n);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sse/plan/5a0f3c1e-8d2b-4c47-9e0a-2f6d7b1c9e44`,
    requests,
    request: (n) =>
      requests[n - 1]
        ? Promise.resolve(requests[n - 1] as IncomingMessage)
        : new Promise((resolve) => waiters.set(n, resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
} as const;

const PLAN_ID = "5a0f3c1e-8d2b-4c47-9e0a-2f6d7b1c9e44";

/** One `event: status` block as PlanExe writes it (sse-starlette: CRLF line endings). */
export function statusBlock(
  progress: number,
  options: { id?: string; state?: string } = {},
): string {
  const data = {
    plan_id: PLAN_ID,
    state: options.state ?? "processing",
    progress_percentage: progress,
    elapsed_sec: progress * 6,
  };
  const id = options.id === undefined ? "" : `id: ${options.id}\r\n`;
  return `${id}event: status\r\ndata: ${JSON.stringify(data)}\r\n\r\n`;
}

export function completeBlock(state = "completed", progress = 100): string {
  const data = { plan_id: PLAN_ID, state, progress_percentage: progress, elapsed_sec: 900 };
  return `event: complete\r\ndata: ${JSON.stringify(data)}\r\n\r\n`;
}

export type Recorded = PlanWatchEvent & { at: number };

/**
 * Consumes a watch in the background, stamping each event with the clock's time;
 * `until` waits (on real I/O, never on time) for an event that matches.
 */
export function record(watch: PlanWatch, now: () => number) {
  const events: Recorded[] = [];
  let error: unknown;
  let finished = false;
  let notify: (() => void) | undefined;
  const done = (async () => {
    try {
      for await (const event of watch) {
        events.push({ ...event, at: now() });
        notify?.();
      }
    } catch (e) {
      error = e;
    } finally {
      finished = true;
      notify?.();
    }
  })();
  return {
    events,
    done,
    get error() {
      return error;
    },
    async until(match: (event: Recorded) => boolean): Promise<Recorded> {
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (finished)
          throw new Error(`watch ended first: ${JSON.stringify(events)} ${String(error)}`);
        await new Promise<void>((resolve) => {
          notify = resolve;
        });
      }
    },
    types: () =>
      events.map((e) => (e.type === "status" ? `status:${e.progress_percentage}` : e.type)),
  };
}

/** A `fetch` that answers request n with `answers[n-1]()` (the last one repeats) and logs each request. */
export function scriptedFetch(answers: ((request: Request) => Response | Promise<Response>)[]) {
  const requests: Request[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    const answer = answers[Math.min(requests.length, answers.length) - 1];
    if (!answer) throw new Error("scriptedFetch: no answers");
    return answer(request);
  };
  return { fetch: fetchImpl, requests };
}

/** A real `text/event-stream` Response whose body delivers exactly these chunks. */
export function sseResponse(chunks: (string | Uint8Array)[], init: ResponseInit = {}): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks)
        controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
  return new Response(body, { status: 200, headers: SSE_HEADERS, ...init });
}
