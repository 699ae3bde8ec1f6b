import type { PlanExeClient } from "../../client.js";

/** Tool calls made through a {@link countCalls} client. */
export interface CallStats {
  made: number;
  failed: number;
  /** Resolves once no call is in flight. */
  settled(): Promise<void>;
}

const COUNTED = new Set([
  "createPlan",
  "getStatus",
  "getFileInfo",
  "download",
  "stopPlan",
  "listPlans",
  "retryPlan",
  "resumePlan",
]);

/** The same client, counting every tool call and every failed one (for the demo's summary). */
export function countCalls(client: PlanExeClient): { client: PlanExeClient; calls: CallStats } {
  const pending = new Set<Promise<unknown>>();
  const calls: CallStats = {
    made: 0,
    failed: 0,
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
  const proxy = new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== "string" || !COUNTED.has(property) || typeof value !== "function")
        return typeof value === "function" ? value.bind(target) : value;
      return (...args: unknown[]) => {
        calls.made += 1;
        const call = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        const tracked = call.catch((error: unknown) => {
          calls.failed += 1;
          throw error;
        });
        const settle: Promise<unknown> = tracked.then(
          () => pending.delete(settle),
          () => pending.delete(settle),
        );
        pending.add(settle);
        return tracked;
      };
    },
  });
  return { client: proxy, calls };
}
