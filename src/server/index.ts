export { type PlanSnapshot, snapshotEventId } from "../protocol/index.js";
export {
  createPlanProgressStream,
  type DrainOptions,
  type PlanProgressStreamHandler,
} from "./create-plan-progress-stream.js";
export { defaultClientKey, type PlanProgressStreamOptions } from "./options.js";
