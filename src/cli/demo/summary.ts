import type { WatchStats } from "./stats.js";

/** The demo's outcome. */
export interface DemoSummary {
  plan_state: string | null;
  watch_exit_code: number;
  calls_made: number;
  calls_failed: number;
  events_delivered: number;
  events_duplicated: number;
  completes: number;
  reconnects: number;
  longest_gap_ms: number;
  deploys: string[];
  /** True when nothing was lost: every call succeeded, one completion, no duplicate, plan completed. */
  ok: boolean;
}

export function summarize(
  stats: WatchStats,
  calls: { made: number; failed: number },
  watchExitCode: number,
  planState: string | undefined,
  deploys: string[],
): DemoSummary {
  const ok =
    watchExitCode === 0 &&
    calls.failed === 0 &&
    stats.completes === 1 &&
    stats.duplicated === 0 &&
    planState === "completed" &&
    deploys.every((deploy) => !deploy.startsWith("FAILED"));
  return {
    plan_state: planState ?? null,
    watch_exit_code: watchExitCode,
    calls_made: calls.made,
    calls_failed: calls.failed,
    events_delivered: stats.delivered,
    events_duplicated: stats.duplicated,
    completes: stats.completes,
    reconnects: stats.reconnects,
    longest_gap_ms: stats.longestGapMs,
    deploys,
    ok,
  };
}

/** The summary as a small table. */
export function summaryLines(summary: DemoSummary): string[] {
  return [
    "",
    "Summary",
    `  deploys survived     ${summary.deploys.join("; ") || "none"}`,
    `  tool calls           ${summary.calls_made} made, ${summary.calls_failed} failed`,
    `  status events        ${summary.events_delivered} delivered, ${summary.events_duplicated} duplicated`,
    `  completions          ${summary.completes} (plan ${summary.plan_state ?? "unknown"})`,
    `  reconnects           ${summary.reconnects}`,
    `  longest gap          ${(summary.longest_gap_ms / 1000).toFixed(1)}s between progress events`,
    summary.ok
      ? "Nothing lost: every call answered, every snapshot once, exactly one completion."
      : "SOMETHING WAS LOST (see above).",
  ];
}
