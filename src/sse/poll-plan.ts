import { isTerminalState, type PlanState } from "../protocol/index.js";
import { type Clock, sleep } from "../time/clock.js";
import type { PlanCompleteEvent, PlanStatusEvent } from "./events.js";

/** The fields of a `plan_status` answer the watcher reads. */
export interface StatusLike {
  plan_id: string;
  state: string;
  progress_percentage: number;
  timing: { elapsed_sec: number };
  sse_url?: string | undefined;
  error?: { message?: string | undefined; recoverable?: boolean | undefined } | undefined;
}

/** The `status` event a `plan_status` answer stands for (the fields the stream sends). */
export function statusEventFrom(status: StatusLike): PlanStatusEvent {
  return {
    type: "status",
    plan_id: status.plan_id,
    state: status.state as PlanState,
    progress_percentage: status.progress_percentage,
    elapsed_sec: status.timing.elapsed_sec,
  };
}

/**
 * Polls `plan_status` every `intervalMs` until the plan is terminal, reporting each
 * answer as a `status` event; resolves with the terminal answer. Errors of
 * `getStatus` (already retried by the client's policy) end the polling.
 */
export async function pollPlan<S extends StatusLike>(options: {
  getStatus: () => Promise<S>;
  intervalMs: number;
  clock: Clock;
  signal: AbortSignal;
  onStatus: (event: PlanStatusEvent) => void;
}): Promise<S> {
  for (;;) {
    const status = await options.getStatus();
    if (isTerminalState(status.state as PlanState)) return status;
    options.onStatus(statusEventFrom(status));
    await sleep(options.intervalMs, { clock: options.clock, signal: options.signal });
  }
}

/** The `complete` event a terminal `plan_status` stands for (the same fields the stream sends). */
export function completeFrom(status: StatusLike): PlanCompleteEvent {
  const event: PlanCompleteEvent = {
    type: "complete",
    plan_id: status.plan_id,
    state: status.state as PlanState,
    progress_percentage: status.progress_percentage,
    elapsed_sec: status.timing.elapsed_sec,
  };
  if (status.state === "failed") {
    event.error = {
      code: "generation_failed",
      message: status.error?.message ?? "Plan generation failed.",
    };
  }
  return event;
}
