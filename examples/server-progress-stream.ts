/**
 * The server side of the progress stream (docs/server-protocol.md): two "replicas",
 * each a node:http server running `createPlanProgressStream`, share nothing but
 * `getSnapshot` (your database). A watcher on replica A is drained away from it, as on
 * SIGTERM, and resumes on replica B by `Last-Event-ID`, with no status twice.
 *
 *   npx tsx examples/server-progress-stream.ts
 *
 * It needs no server and ignores PLANEXE_URL.
 * In your own project, import from "planexe-client" and "planexe-client/server".
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { type PlanSnapshot, watchPlan } from "../src/index.js";
import { createPlanProgressStream, type PlanProgressStreamHandler } from "../src/server/index.js";

// "The database": a plan that gains 10 % every 150 ms.
const PLAN_ID = "5d0c4a1e-0000-4000-8000-000000000001";
const startedAt = Date.now();
function readPlan(): PlanSnapshot {
  const elapsed = (Date.now() - startedAt) / 1000;
  const progress = Math.min(100, Math.floor(elapsed / 0.15) * 10);
  return {
    plan_id: PLAN_ID,
    state: progress >= 100 ? "completed" : "processing",
    progress_percentage: progress,
    elapsed_sec: elapsed,
  };
}

/** A node:http host for a web `Request → Response` handler (any framework adapter does this). */
function listen(handler: PlanProgressStreamHandler): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const abort = new AbortController();
    res.once("close", () => abort.abort());
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === "string") headers.set(name, value);
    // The socket's address is who the per-client limit counts (headers are the client's to forge).
    const response = await handler(
      new Request(`http://${req.headers.host}${req.url}`, { headers, signal: abort.signal }),
      { remoteAddress: req.socket.remoteAddress },
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return void res.end();
    Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/sse/plan/${PLAN_ID}` });
    }),
  );
}

async function main(): Promise<void> {
  const options = { getSnapshot: async () => readPlan(), pollIntervalMs: 100 };
  const replicaA = createPlanProgressStream(options);
  const replicaB = createPlanProgressStream(options);
  const a = await listen(replicaA);
  const b = await listen(replicaB);

  // The edge: whatever URL is asked for, replica A until it drains, then replica B.
  let current = a.url;
  const seenIds: string[] = [];
  const edgeFetch: typeof fetch = (_url, init) => {
    const lastEventId = new Headers(init?.headers).get("last-event-id");
    console.log(
      `connect to replica ${current === a.url ? "A" : "B"}, Last-Event-ID ${lastEventId ?? "none"}`,
    );
    return fetch(current, init);
  };

  const watch = watchPlan(a.url, { fetch: edgeFetch, signal: AbortSignal.timeout(15_000) });
  let completes = 0;
  for await (const event of watch) {
    if (event.type === "status") {
      seenIds.push(watch.lastEventId ?? "");
      console.log(`status ${event.progress_percentage.toFixed(0)}%  id ${watch.lastEventId}`);
      if (event.progress_percentage >= 30 && current === a.url) {
        console.log("-- SIGTERM on replica A: drain() ends its stream with retry: 250 --");
        current = b.url;
        replicaA.drain();
      }
    }
    if (event.type === "complete") {
      completes += 1;
      console.log(`complete ${event.state}  id ${watch.lastEventId}`);
    }
  }
  a.server.close();
  b.server.close();

  const duplicates = seenIds.length - new Set(seenIds).size;
  console.log(`${seenIds.length} statuses, ${duplicates} duplicates, ${completes} complete`);
  if (duplicates !== 0 || completes !== 1 || current !== b.url) process.exitCode = 1;
}

await main();
