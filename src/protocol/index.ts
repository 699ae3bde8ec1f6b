export { parseEventId, snapshotEventId } from "./event-id.js";
export {
  type CompleteEventData,
  CompleteEventDataSchema,
  type ErrorEventData,
  type HeartbeatEventData,
  isTerminalState,
  type PlanState,
  type StatusEventData,
  StatusEventDataSchema,
} from "./events.js";
export type { PlanSnapshot } from "./snapshot.js";
