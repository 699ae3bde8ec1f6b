import type { ClientName, WatchedPlan } from "./clients.js";
import type { WatcherRecord } from "./recorder.js";

/** Env var carrying the child's {@link ChildConfig} as JSON. */
export const CONFIG_ENV = "PLANEXE_BENCH_DEPLOY_CONFIG";

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
    };

/** Parent → child: stop every watcher now and report. */
export type ParentCommand = { type: "stop" };
