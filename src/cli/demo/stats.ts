import type { PlanWatchEvent } from "../../sse/index.js";

/** What the demo's watcher saw. */
export interface WatchStats {
  /** Distinct status snapshots delivered. */
  delivered: number;
  /** Status events that repeated or went back on an earlier snapshot (must stay 0). */
  duplicated: number;
  /** `complete` events (must be exactly 1). */
  completes: number;
  reconnects: number;
  /** The longest time without a status or complete event, in ms. */
  longestGapMs: number;
}

/** Counts a watch's events as they arrive. */
export function createWatchStats(now: () => number): {
  stats: WatchStats;
  onEvent(event: PlanWatchEvent): void;
} {
  const stats: WatchStats = {
    delivered: 0,
    duplicated: 0,
    completes: 0,
    reconnects: 0,
    longestGapMs: 0,
  };
  let last: { state: string; progress: number } | undefined;
  let lastAt = now();
  const order = { pending: 0, processing: 1, completed: 2, failed: 2, stopped: 2 } as const;
  return {
    stats,
    onEvent(event) {
      if (event.type === "reconnecting") stats.reconnects += 1;
      if (event.type !== "status" && event.type !== "complete") return;
      const at = now();
      stats.longestGapMs = Math.max(stats.longestGapMs, at - lastAt);
      lastAt = at;
      if (event.type === "complete") {
        stats.completes += 1;
        return;
      }
      const rank = order[event.state];
      const seen =
        last !== undefined &&
        (rank < order[last.state as keyof typeof order] ||
          (rank === order[last.state as keyof typeof order] &&
            event.progress_percentage <= last.progress));
      if (seen) stats.duplicated += 1;
      else stats.delivered += 1;
      last = { state: event.state, progress: event.progress_percentage };
    },
  };
}
