import type { RateLimitOptions } from "../fake/rate-limit.js";

/** Env var carrying the child's {@link ChildConfig} as JSON. */
export const CHILD_CONFIG_ENV = "PLANEXE_EMULATOR_CHILD";

/** What the supervisor tells a replica or worker process (as JSON in an env var). */
export interface ChildConfig {
  id: string;
  /** The shared state file: the emulator's database. */
  stateFile: string;
  planSeconds: number;
  apiKeys: string[];
  auth: boolean;
  rateLimit: boolean | RateLimitOptions;
  /** The origins browsers may call from (`"*"`: any); PlanExe's default for `auth` when absent. */
  corsOrigins?: string[] | undefined;
  /** Today's PlanExe stream (false) or the project's proposal (true). */
  proposal: boolean;
  /** Report and zip bytes missing (worker_plan down). */
  contentUnavailable: boolean;
  heartbeatMs: number;
  retryMs: number;
  drainRetryMs: number;
  pollIntervalMs: number;
  maxStreamsPerClient: number;
  maxStreams: number;
  /** Plans the worker runs at once. */
  workerConcurrency: number;
  /** How often the worker looks for pending plans. */
  workerPollMs: number;
  /** SIGTERM → exit: the longest a replica waits for in-flight requests, the worker for its plans. */
  graceMs: number;
}

/** What a child tells the supervisor over IPC. */
export type ChildMessage = { type: "ready"; port?: number | undefined };
