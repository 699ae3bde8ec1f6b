import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EventSource } from "eventsource";
import { afterEach, describe, expect, it } from "vitest";
import { createPlanProgressStream } from "../../src/server/index.js";
import { createSnapshotStore, PLAN_ID, snapshot } from "./helpers.js";

/** Serves a web handler on node:http, aborting the Request's signal when the socket closes. */
function serve(handler: (request: Request) => Promise<Response>): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    const request = new Request(`http://127.0.0.1${req.url}`, { headers, signal: gone.signal });
    void handler(request).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.flushHeaders();
      const reader = response.body?.getReader();
      for (;;) {
        const chunk = await reader?.read().catch(() => undefined);
        if (!chunk || chunk.done) break;
        res.write(chunk.value);
      }
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

describe("a standard EventSource client over real sockets", () => {
  it("follows a drain to the other replica and resumes there with no duplicate status", async () => {
    // Real timers here, but short ones; the test waits on events, never on a sleep.
    const store = createSnapshotStore([snapshot({ progress_percentage: 10 })]);
    const options = { getSnapshot: store.getSnapshot, pollIntervalMs: 5, drainRetryMs: 10 };
    const replicas = [createPlanProgressStream(options), createPlanProgressStream(options)];
    let live = 0;
    const resumedWith: (string | null)[] = [];
    let drainedAt = 0;
    let reconnectAfterMs: number | undefined;
    server = await serve(async (request) => {
      const replica = live;
      const response = await (replicas[replica] as (typeof replicas)[0])(request);
      if (replica === 1) {
        reconnectAfterMs ??= performance.now() - drainedAt;
        resumedWith.push(request.headers.get("last-event-id"));
        // The plan moves on only once B holds the stream, so B's first read equals the resume point.
        store.update(PLAN_ID, { progress_percentage: 70 });
      }
      return response;
    });
    const { port } = server.address() as AddressInfo;

    const ids: string[] = [];
    const source = new EventSource(`http://127.0.0.1:${port}/sse/plan/${PLAN_ID}`);
    const finished = new Promise<string>((resolve, reject) => {
      source.addEventListener("status", (event) => {
        ids.push(event.lastEventId);
        if (event.lastEventId === "1.0.processing.100")
          store.update(PLAN_ID, { progress_percentage: 40 });
        if (event.lastEventId === "1.0.processing.400") {
          live = 1; // the load balancer now sends new connections to replica B
          drainedAt = performance.now();
          replicas[0]?.drain();
        }
        if (event.lastEventId === "1.0.processing.700") {
          store.update(PLAN_ID, { state: "completed", progress_percentage: 100 });
        }
      });
      source.addEventListener("complete", (event) => {
        ids.push(event.lastEventId);
        source.close();
        resolve(JSON.parse(event.data).state);
      });
      source.addEventListener("error", (event) => {
        if (source.readyState === EventSource.CLOSED) reject(new Error(event.message));
      });
    });

    expect(await finished).toBe("completed");
    expect(resumedWith).toEqual(["1.0.processing.400"]);
    expect(ids).toEqual([
      "1.0.processing.100",
      "1.0.processing.400",
      "1.0.processing.700",
      "1.0.completed.1000",
    ]);
    expect(replicas[0]?.openStreams).toBe(0);
    // The drain's `retry: 10` was honoured, not the 5 s default (wide margin: real sockets).
    expect(reconnectAfterMs).toBeLessThan(2_500);
  });
});
