export type {
  PlanCompleteEvent,
  PlanConnectedEvent,
  PlanHeartbeatEvent,
  PlanReconnectingEvent,
  PlanStatusEvent,
  PlanWatchEnd,
  PlanWatchEvent,
  PlanWatchWarning,
  ReconnectCause,
  ReconnectCode,
} from "./events.js";
export type { PlanWatch } from "./plan-watch.js";
export { WATCH_PLAN_DEFAULTS, type WatchPlanOptions, watchPlan } from "./watch-plan.js";
