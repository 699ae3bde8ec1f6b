import type { ClientName, WatchedPlan } from "./clients.js";
import type { WatcherRecord } from "./recorder.js";

export interface ChildConfig {
  client: ClientName;
  baseUrl: string;
  plans: WatchedPlan[];
  pollMs: number;
}

/** Child → parent. */
export type ChildReport =
  | { type: "ready" }
  | {
      type: "result";
      records: WatcherRecord[];
      /** RSS (MB) once the modules were loaded, before any watcher started. */
      baselineRssMb: number;
      /** Peak RSS (MB) of the child over the run (`resourceUsage().maxRSS`). */
      peakRssMb: number;
      peakHeapUsedMb: number;
      /** CPU (user + system) of the watchers' process, and of its subprocesses (the CLI kind), in seconds. */
      cpuSeconds: number;
      /** The CLI kind's subprocesses: how many, the sum of their peak RSS (MB) and their CPU seconds. */
      subprocesses?: { count: number; peakRssMb: number; cpuSeconds: number };
    };

/**
 * Parent → child: the config (sent once over IPC, first: an environment variable
 * cannot hold 1,000 plans, `spawn E2BIG`), then possibly `stop`: stop every
 * watcher now and report.
 */
export type ParentCommand = { type: "config"; config: ChildConfig } | { type: "stop" };
