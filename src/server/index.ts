export { type PlanSnapshot, snapshotEventId } from "../protocol/index.js";
