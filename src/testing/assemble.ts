import type { HttpHandler } from "msw";
import type { Clock } from "../time/clock.js";
import { createDeployScheduler, type DeployControls, type WorkerControl } from "./deploy.js";
import { createEdge } from "./edge.js";
import { createEdgeFetch } from "./edge-fetch.js";
import { type AnswerNextOptions, AnswerQueue, type FailNextOptions, FaultQueue } from "./faults.js";
import { createMswHandlers } from "./handlers.js";
import { attachToMsw, type MswLifeCycle } from "./msw-attach.js";
import type { ReplicaApp } from "./replica.js";
import { ReplicaPool } from "./replica-pool.js";
import { createRequestLog, type RequestLog } from "./request-log.js";

/** A replica as a test sees it. */
export interface ReplicaView<App extends ReplicaApp = ReplicaApp> {
  /** 1 for the first replica, then 2, 3, … as deploys start new ones. */
  readonly id: number;
  readonly app: App;
  /** True while the edge routes requests to it. */
  readonly serving: boolean;
  /** True once a deploy has killed it. */
  readonly stopped: boolean;
  /** Progress streams still open on it. */
  readonly openStreams: number;
}

/** The PlanExe edge, replicas and deploy scripting, over any replica factory. */
export interface EdgeDouble<App extends ReplicaApp = ReplicaApp> {
  /** The origin the double answers for, e.g. `https://mcp.planexe.org`. */
  readonly baseUrl: string;
  /** msw request handlers: `setupServer(...double.handlers)`. */
  readonly handlers: HttpHandler[];
  /**
   * The double as a `fetch` function, for clients that take an injected `fetch`
   * instead of msw. A network fault rejects with `TypeError("fetch failed")`.
   */
  readonly fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  /** Scripted deploy windows on the double's clock. */
  readonly deploy: DeployControls;
  /** Every request the double saw. */
  readonly requests: RequestLog;
  /** Every replica started so far, oldest first. */
  readonly replicas: readonly ReplicaView<App>[];
  /**
   * Makes the next request matching `options` fail at the network level, before the
   * server sees it (`after: "reset-before"`) or after it handled it (`"response-lost"`).
   */
  failNext(options: FailNextOptions): void;
  /**
   * Answers the next request matching `options` with `respond(...)`'s `Response`
   * instead of a replica, e.g. a `plan_file_info` result exactly as PlanExe writes
   * it (`test/fixtures/planexe/`). Logged like any request.
   */
  answerNext(options: AnswerNextOptions): void;
  /**
   * Connects the double to the msw server that runs its handlers, so a client's
   * `response.body.cancel()` settles and closes the stream on the double (without
   * it, msw's unread response clone keeps every cancelled stream open:
   * mswjs/interceptors#712). Returns a function that detaches.
   *
   * @example
   * const server = setupServer(...double.handlers);
   * double.attach(server);
   * server.listen();
   */
  attach(server: MswLifeCycle): () => void;
  /** Stops every replica, cancels scheduled deploys and armed faults. */
  close(): void;
}

export interface AssembleOptions<App extends ReplicaApp> {
  baseUrl: string;
  clock: Clock;
  createApp: () => App;
  worker?: WorkerControl | undefined;
}

/** Parses `baseUrl` into the origin the double serves; a path other than `/` is a misuse. */
export function originOf(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw new TypeError(`baseUrl must be an absolute URL like "https://mcp.planexe.org"`, {
      cause,
    });
  }
  if (url.pathname !== "/" || url.search || url.hash)
    throw new TypeError(
      `baseUrl must be an origin like "https://mcp.planexe.org" (PlanExe serves /mcp at the root), got a path`,
    );
  return url.origin;
}

export function assembleDouble<App extends ReplicaApp>(
  options: AssembleOptions<App>,
): EdgeDouble<App> {
  const origin = originOf(options.baseUrl);
  const pool = new ReplicaPool(options.createApp);
  const deploy = createDeployScheduler(options.clock, pool, options.worker);
  const faults = new FaultQueue();
  const answers = new AnswerQueue();
  const requests = createRequestLog();
  const edge = createEdge({ clock: options.clock, pool, deploy, faults, answers, log: requests });

  const replicaView = (replica: (typeof pool.all)[number]): ReplicaView<App> => ({
    id: replica.id,
    app: replica.app as App,
    get serving() {
      return pool.serving.includes(replica);
    },
    get stopped() {
      return replica.stopped;
    },
    get openStreams() {
      return replica.openStreams;
    },
  });
  const views = new Map<number, ReplicaView<App>>();

  return {
    baseUrl: origin,
    handlers: createMswHandlers(origin, edge),
    fetch: createEdgeFetch(origin, edge),
    deploy,
    requests,
    get replicas() {
      return pool.all.map((replica) => {
        let view = views.get(replica.id);
        if (!view) {
          view = replicaView(replica);
          views.set(replica.id, view);
        }
        return view;
      });
    },
    failNext: (faultOptions) => faults.arm(faultOptions),
    answerNext: (answerOptions) => answers.arm(answerOptions),
    attach: (server) => attachToMsw(server, origin),
    close() {
      deploy.close();
      faults.clear();
      answers.clear();
      pool.closeAll();
    },
  };
}
