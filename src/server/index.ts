// planexe-client/server: the server half of the progress stream — `createPlanProgressStream`, a
// Web Request → Response handler with snapshot-derived ids, Last-Event-ID resume across
// replicas that share nothing, drain, and the stream limits.
export { type PlanSnapshot, snapshotEventId } from "../protocol/index.js";
export type { ConnectionInfo, TrustProxy } from "./client-address.js";
export {
  createPlanProgressStream,
  type DrainOptions,
  type PlanProgressStreamHandler,
} from "./create-plan-progress-stream.js";
export type { PlanProgressStreamOptions } from "./options.js";
