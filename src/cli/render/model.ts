import type { PlanState } from "../../protocol/index.js";
import type { PlanWatchEvent } from "../../sse/index.js";
import type { PlanStatusOutput } from "../../tools/schemas/plan-status.js";

/** What the watch shows: the latest of everything the stream and `plan_status` said. */
export interface ProgressView {
  state: PlanState | undefined;
  percent: number | undefined;
  /** The server's `elapsed_sec` and when (local clock, ms) it was received. */
  elapsedSec: number | undefined;
  elapsedAt: number | undefined;
  step: string | undefined;
  stepsCompleted: number | undefined;
  stepsTotal: number | undefined;
  /** A transient notice ("server deploying — reconnecting in 3s"), cleared by the next event from the server. */
  notice: string | undefined;
  reconnects: number;
  /** The progress the step fields were read at: they are shown only while progress has not moved on. */
  stepPercent: number | undefined;
}

/** One input to the view: a stream event, or a `plan_status` answer (the stream carries no step names). */
export type ProgressUpdate =
  | { kind: "event"; event: PlanWatchEvent }
  | { kind: "status"; status: PlanStatusOutput };

export function emptyView(): ProgressView {
  return {
    state: undefined,
    percent: undefined,
    elapsedSec: undefined,
    elapsedAt: undefined,
    step: undefined,
    stepsCompleted: undefined,
    stepsTotal: undefined,
    notice: undefined,
    reconnects: 0,
    stepPercent: undefined,
  };
}

/** The step to show: `"7/20 identify_risks"`, or `undefined` when unknown or stale. */
export function currentStep(view: ProgressView): string | undefined {
  if (!view.step || view.stepPercent !== view.percent) return undefined;
  const steps =
    view.stepsCompleted !== undefined && view.stepsTotal !== undefined
      ? `${view.stepsCompleted}/${view.stepsTotal} `
      : "";
  return `${steps}${view.step}`;
}

/** A reconnect's delay as a user reads it: `0.3s`, `4s`. */
function formatDelay(ms: number): string {
  if (ms < 50) return "now";
  return ms < 1000 ? `${(Math.max(0, ms) / 1000).toFixed(1)}s` : `${Math.ceil(ms / 1000)}s`;
}

/** What a reconnect means to a user, by its cause. */
function reconnectNotice(event: Extract<PlanWatchEvent, { type: "reconnecting" }>): string {
  const delay = formatDelay(event.delayMs);
  // On the shared probe there is no fixed delay: it goes the moment the server answers.
  const wait = event.sharedWait ? "as soon as it answers" : delay === "now" ? "now" : `in ${delay}`;
  switch (event.cause.code) {
    case "RATE_LIMITED":
    case "SSE_CONNECTION_LIMIT":
      return `rate limited — reconnecting ${wait}`;
    case "HEARTBEAT_TIMEOUT":
    case "ATTEMPT_TIMEOUT":
      return `connection stalled — reconnecting ${wait}`;
    case "SSE_TIMEOUT":
      return `stream timed out — reconnecting ${wait}`;
    default:
      return `server deploying — reconnecting ${wait}`;
  }
}

/** Applies one update; returns the new view (the input is not changed). */
export function applyUpdate(view: ProgressView, update: ProgressUpdate, now: number): ProgressView {
  if (update.kind === "status") {
    const s = update.status;
    return {
      ...view,
      state: s.state,
      percent: s.progress_percentage,
      elapsedSec: s.timing.elapsed_sec,
      elapsedAt: now,
      step: s.current_step ?? view.step,
      stepsCompleted: s.steps_completed ?? view.stepsCompleted,
      stepsTotal: s.steps_total ?? view.stepsTotal,
      stepPercent: s.progress_percentage,
    };
  }
  const event = update.event;
  switch (event.type) {
    case "complete":
    case "status": {
      const snapshot: ProgressView = {
        ...view,
        state: event.state,
        percent: event.progress_percentage,
        elapsedSec: event.elapsed_sec,
        elapsedAt: now,
        notice: undefined,
      };
      if (event.type === "status") return snapshot;
      // The step names were the run's; a finished plan shows none.
      return { ...snapshot, step: undefined, stepsCompleted: undefined, stepsTotal: undefined };
    }
    case "reconnecting":
      return { ...view, notice: reconnectNotice(event), reconnects: view.reconnects + 1 };
    case "connected":
      return { ...view, notice: undefined };
    default:
      return view;
  }
}

/** Elapsed seconds now: the server's figure plus the local time since, while the plan runs. */
export function elapsedNow(view: ProgressView, now: number): number | undefined {
  if (view.elapsedSec === undefined) return undefined;
  if (view.state !== "processing" || view.elapsedAt === undefined) return view.elapsedSec;
  return view.elapsedSec + Math.max(0, now - view.elapsedAt) / 1000;
}
