export { EVENT_ID_VERSION, parseEventId, snapshotEventId } from "./event-id.js";
export {
  type CompleteEventData,
  CompleteEventDataSchema,
  type ErrorEventData,
  ErrorEventDataSchema,
  type HeartbeatEventData,
  HeartbeatEventDataSchema,
  isTerminalState,
  type PlanState,
  PlanStateSchema,
  type StatusEventData,
  StatusEventDataSchema,
  StreamEventSchemas,
  type StreamEventType,
  TERMINAL_STATES,
} from "./events.js";
export type { PlanSnapshot } from "./snapshot.js";
