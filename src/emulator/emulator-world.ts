import { createPlanExeWorld, type PlanExeWorld } from "../fake/world.js";
import type { ChildConfig } from "./child-protocol.js";
import { createFilePlanStore } from "./file-plan-store.js";

/**
 * The PlanExe domain of one emulator process, over the shared state file. Every
 * process has the same settings (download secret included), so a download URL
 * signed by one replica is good on another.
 */
export function createEmulatorWorld(config: ChildConfig, role: { worker: boolean }): PlanExeWorld {
  const world = createPlanExeWorld({
    // The worker changes plans many times a second: one file write per turn, not per change.
    store: createFilePlanStore(config.stateFile, { coalesceWrites: role.worker }),
    planSeconds: config.planSeconds,
    workers: role.worker ? config.workerConcurrency : 0,
    workerPollMs: config.workerPollMs,
    startWorker: role.worker,
    rateLimit: config.rateLimit,
    apiKeys: config.apiKeys,
    auth: config.auth,
  });
  if (config.contentUnavailable) world.setContentAvailable(false);
  return world;
}
