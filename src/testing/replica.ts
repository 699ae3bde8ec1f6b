import { makeCuttable } from "./cuttable-body.js";

/**
 * One HTTP replica of PlanExe, as `createPlanExeApp(world)` builds it: a web-standard
 * handler plus the two signals a platform sends it.
 */
export interface ReplicaApp {
  fetch(request: Request): Promise<Response>;
  /** Ends open progress streams with a short `retry:` (SIGTERM in a rolling deploy). */
  drain(): void;
  /** Frees the replica's timers; it serves nothing after this. */
  close(): void;
}

const ROUTES: readonly RegExp[] = [
  /^\/mcp\/?$/,
  /^\/mcp\/tools$/,
  /^\/mcp\/tools\/call$/,
  /^\/healthcheck$/,
  /^\/sse\/plan\/[^/]+$/,
  /^\/download\/[^/]+\/[^/]+$/,
];

/** FastAPI's answer for a path no route matches. */
function fastApiNotFound(): Response {
  return Response.json({ detail: "Not Found" }, { status: 404 });
}

/** A running replica: routes like the FastAPI app, tracks its open streams so a deploy can cut them. */
export class Replica {
  readonly id: number;
  readonly app: ReplicaApp;
  #stopped = false;
  readonly #streams = new Set<() => void>();

  constructor(id: number, app: ReplicaApp) {
    this.id = id;
    this.app = app;
  }

  /** Progress streams (any `text/event-stream` body) still open on this replica. */
  get openStreams(): number {
    return this.#streams.size;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Serves `request`; a replica killed while the request was in flight answers with a network error. */
  async fetch(request: Request, path: string): Promise<Response> {
    if (!ROUTES.some((route) => route.test(path))) return fastApiNotFound();
    const response = await this.app.fetch(request);
    if (this.#stopped) {
      await response.body?.cancel().catch(() => {});
      return Response.error();
    }
    const type = response.headers.get("content-type") ?? "";
    if (!response.body || !type.includes("text/event-stream")) return response;
    const cuttable = makeCuttable(response, () => this.#streams.delete(cuttable.cut));
    this.#streams.add(cuttable.cut);
    return cuttable.response;
  }

  /** Kills every open stream mid-body, as a dropped connection would. */
  cutStreams(): void {
    for (const cut of [...this.#streams]) cut();
  }

  /** SIGTERM with a graceful server: open streams end with a short `retry:`. */
  drain(): void {
    this.app.drain();
  }

  /** SIGKILL: open streams are cut, in-flight requests fail, the app's timers stop. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.cutStreams();
    this.app.close();
  }
}
