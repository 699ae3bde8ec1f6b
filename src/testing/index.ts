// planexe-client/testing: msw handlers for the PlanExe double, with scripted restart / rolling
// deploy windows on a virtual clock, a request log and scripted faults.

export type {
  ContractDrift,
  DeployKind,
  PlanExeApp,
  PlanExeAppOptions,
  PlanExeWorld,
  PlanExeWorldOptions,
} from "../fake/index.js";
export { createPlanExeWorld, DOUBLE_API_KEY } from "../fake/index.js";
export { railwayBadGateway } from "../fake/railway-502.js";
export type { EdgeDouble, ReplicaView } from "./assemble.js";
export type {
  DeployControls,
  DeployWindow,
  DeployWindowState,
  RestartOptions,
  RollingOptions,
} from "./deploy.js";
export {
  createPlanExeDouble,
  type PlanExeDouble,
  type PlanExeDoubleOptions,
} from "./double.js";
export type { AnswerNextOptions, FailNextOptions, RequestMatch } from "./faults.js";
export { createManualClock, type ManualClock, type ManualClockOptions } from "./manual-clock.js";
export type { MswLifeCycle } from "./msw-attach.js";
export type { FaultKind, LoggedRequest, RequestLog, RequestQuery } from "./request-log.js";
