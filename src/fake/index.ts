// The one PlanExe double: plans on an injectable clock, every tool, dedup, auth, limits and the
// worker drain. Internal: testing/ (msw) and emulator/ (processes) are its front doors.

export { createPlanExeApp, type PlanExeApp, type PlanExeAppOptions } from "./app/app.js";
export { DOUBLE_API_KEY } from "./auth.js";
export type { ContractDrift } from "./drift.js";
export { WORKER_RESTART_MESSAGE } from "./plans.js";
export type { DeployKind } from "./types.js";
export { createPlanExeWorld, type PlanExeWorld, type PlanExeWorldOptions } from "./world.js";
