import {
  createPlanExeApp,
  createPlanExeWorld,
  type PlanExeApp,
  type PlanExeAppOptions,
  type PlanExeWorld,
  type PlanExeWorldOptions,
} from "../fake/index.js";
import type { Clock } from "../time/clock.js";
import { assembleDouble, type EdgeDouble, originOf } from "./assemble.js";
import { createManualClock, type ManualClock } from "./manual-clock.js";

/** Options of {@link createPlanExeDouble}; the PlanExe world options (plan length, auth, …) sit beside them. */
export interface PlanExeDoubleOptions<C extends Clock = ManualClock>
  extends Omit<PlanExeWorldOptions, "clock" | "baseUrl"> {
  /** The origin the double answers for. @default "https://mcp.planexe.org" */
  baseUrl?: string;
  /** Where the world, the progress streams and the deploy windows take time from. @default a new {@link ManualClock} */
  clock?: C;
  /**
   * Serve an existing world; pass its clock as `clock` too (world options are then not allowed).
   * @default a new world built from these options
   */
  world?: PlanExeWorld;
  /**
   * Options for every replica, e.g. `{ corsOrigins: ["*"], stream: { heartbeatMs: 5000 } }`.
   * @default {}
   */
  app?: Omit<PlanExeAppOptions, "baseUrl" | "proposal">;
  /**
   * Serve what this project proposes for PlanExe instead of what it does today: event
   * ids and `Last-Event-ID` resume on the progress stream, a real HTTP 429 over the
   * stream connection limit, and a drain that ends streams with a short `retry:` on
   * SIGTERM. Everything else stays PlanExe as deployed.
   * @default false (PlanExe as deployed)
   */
  proposal?: boolean;
}

/** The PlanExe double: a world, Railway's edge in front of its replicas, msw handlers and deploy scripting. */
export interface PlanExeDouble<C extends Clock = ManualClock> extends EdgeDouble<PlanExeApp> {
  /** The PlanExe domain all replicas share (plans, worker, feedback): assert on it directly. */
  readonly world: PlanExeWorld;
  /** The clock of the world and the deploy windows: drive it with `advance` / `runUntil`. */
  readonly clock: C;
  /** The app of the replica that took the latest deploy (`undefined` while a restart window is open). */
  readonly app: PlanExeApp | undefined;
}

const DEFAULT_BASE_URL = "https://mcp.planexe.org";

/**
 * A PlanExe double for tests: msw handlers that answer like `mcp.planexe.org` as
 * deployed (MCP over Streamable HTTP, the REST mirror, progress streams, downloads;
 * auth on with {@link DOUBLE_API_KEY}, the 60 / 60 s rate limit, today's stream), on a
 * virtual clock, with Railway deploy windows you can script.
 *
 * @example
 * const double = createPlanExeDouble({ planSeconds: 600 });
 * const client = new PlanExeClient({ baseUrl: double.baseUrl, apiKey: DOUBLE_API_KEY, clock: double.clock });
 * const server = setupServer(...double.handlers);
 * double.attach(server);
 * server.listen();
 * const window = double.deploy.restart({ windowMs: 120_000 });
 * await double.clock.runUntil(window.finished);
 */
export function createPlanExeDouble<C extends Clock = ManualClock>(
  options: PlanExeDoubleOptions<C> = {},
): PlanExeDouble<C> {
  const {
    baseUrl = DEFAULT_BASE_URL,
    clock: givenClock,
    world: givenWorld,
    app = {},
    proposal = false,
    ...worldOptions
  } = options;
  if (givenWorld) checkGivenWorld(givenWorld, givenClock, worldOptions);
  const origin = originOf(baseUrl);
  const clock = (givenClock ?? createManualClock()) as C;
  const world = givenWorld ?? createPlanExeWorld({ ...worldOptions, clock, baseUrl: origin });

  const edge = assembleDouble<PlanExeApp>({
    baseUrl: origin,
    clock,
    createApp: () => createPlanExeApp(world, { ...app, proposal, baseUrl: origin }),
    worker: {
      shutdown: (graceMs) => {
        void world.worker.shutdown(graceMs === undefined ? {} : { graceMs });
      },
      start: () => world.worker.start(),
    },
  });
  return doubleOver(edge, world, clock, { closesWorld: !givenWorld });
}

/** A given world comes alone, with its own clock: world options would be silently ignored. */
function checkGivenWorld(
  world: PlanExeWorld,
  clock: Clock | undefined,
  worldOptions: object,
): void {
  if (Object.keys(worldOptions).length > 0)
    throw new TypeError(
      `createPlanExeDouble: pass either \`world\` or world options (${Object.keys(worldOptions).join(", ")}), not both`,
    );
  if (clock !== world.clock)
    throw new TypeError(
      "createPlanExeDouble: pass the world's clock with it: createPlanExeDouble({ world, clock: world.clock })",
    );
}

/** The edge's controls with the world and clock beside them; `closesWorld` when the double made the world. */
function doubleOver<C extends Clock>(
  edge: EdgeDouble<PlanExeApp>,
  world: PlanExeWorld,
  clock: C,
  { closesWorld }: { closesWorld: boolean },
): PlanExeDouble<C> {
  return {
    baseUrl: edge.baseUrl,
    handlers: edge.handlers,
    fetch: edge.fetch,
    deploy: edge.deploy,
    requests: edge.requests,
    get replicas() {
      return edge.replicas;
    },
    failNext: edge.failNext,
    answerNext: edge.answerNext,
    attach: edge.attach,
    world,
    clock,
    get app() {
      return edge.replicas.filter((replica) => replica.serving).at(-1)?.app;
    },
    close() {
      edge.close();
      if (closesWorld) world.close();
    },
  };
}
