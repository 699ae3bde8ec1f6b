export { createPlanExeApp, type PlanExeApp, type PlanExeAppOptions } from "./app/app.js";
export { WORKER_RESTART_MESSAGE } from "./plans.js";
export { createPlanExeWorld, type PlanExeWorld, type PlanExeWorldOptions } from "./world.js";
