// What client and server agree on: the SSE event shapes, the snapshot, and the event-id format.
export { parseEventId, snapshotEventId } from "./event-id.js";
export {
  CompleteEventDataSchema,
  type ErrorEventData,
  isTerminalState,
  type PlanState,
  StatusEventDataSchema,
} from "./events.js";
export type { PlanSnapshot } from "./snapshot.js";
