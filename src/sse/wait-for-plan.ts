import type { ClientWatchOptions } from "./client-watch.js";
import type { PlanWatch } from "./event-queue.js";
import type { PlanClientWatchEvent, PlanStatusEvent } from "./events.js";

/** Options of `PlanExeClient.waitForPlan`. */
export interface WaitForPlanOptions extends ClientWatchOptions {
  /** Called with each distinct status snapshot, in order. @default undefined */
  onProgress?: ((event: PlanStatusEvent) => void) | undefined;
}

/**
 * Follows `watch` to its end, handing each status to `onProgress`, then returns the
 * plan's final full `plan_status`. Rejects with the watch's error, or with the
 * signal's reason.
 */
export async function waitForPlanWith<S>(
  watch: PlanWatch<PlanClientWatchEvent>,
  onProgress: WaitForPlanOptions["onProgress"],
  finalStatus: () => Promise<S>,
): Promise<S> {
  for await (const event of watch) if (event.type === "status") onProgress?.(event);
  return finalStatus();
}
