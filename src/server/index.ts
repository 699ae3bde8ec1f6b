export { type PlanSnapshot, snapshotEventId } from "../protocol/index.js";
export type { ConnectionInfo, TrustProxy } from "./client-address.js";
export {
  createPlanProgressStream,
  type DrainOptions,
  type PlanProgressStreamHandler,
} from "./create-plan-progress-stream.js";
export type { PlanProgressStreamOptions } from "./options.js";
