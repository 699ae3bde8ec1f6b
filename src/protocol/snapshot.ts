import type { PlanState } from "./events.js";

/**
 * What a progress stream needs to know about a plan at one moment: the fields of a
 * `status` event, plus the `run` the plan is in (0 for the first, +1 on each retry
 * or resume), so that event ids never repeat across runs. A server computes it from
 * its database; any replica computes the same snapshot for the same row.
 */
export interface PlanSnapshot {
  plan_id: string;
  state: PlanState;
  /** 0–100, monotonic within a run. */
  progress_percentage: number;
  elapsed_sec: number;
  /** 0 for the first run, then +1 on each retry or resume. @default 0 */
  run?: number | undefined;
  /** Set when `state` is `failed`; sent as the `complete` event's `error`. */
  error?: { code: string; message: string } | undefined;
}
