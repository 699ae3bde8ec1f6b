// The progress subscriber: `watchPlan` (one stream URL, reconnecting by the one retry policy),
// `client.watch` (by plan id, with polling fallback and autoResume), and their event types.
export { CLIENT_WATCH_DEFAULTS, type ClientWatchOptions } from "./client-watch.js";
export type { PlanWatch } from "./event-queue.js";
export type {
  PlanClientWatchEvent,
  PlanCompleteEvent,
  PlanConnectedEvent,
  PlanHeartbeatEvent,
  PlanReconnectingEvent,
  PlanResumedEvent,
  PlanStatusEvent,
  PlanWatchEnd,
  PlanWatchEvent,
  PlanWatchWarning,
  ReconnectCause,
  ReconnectCode,
} from "./events.js";
export type { WaitForPlanOptions } from "./wait-for-plan.js";
export { type WatchPlanOptions, watchPlan } from "./watch-plan.js";
