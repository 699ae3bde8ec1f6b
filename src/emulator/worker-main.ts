/**
 * The emulator's worker (the `worker_plan_database` service): runs plans from
 * the shared state file. On SIGTERM it drains as proposal 80 asks: it takes no
 * new plan, lets running ones finish within the grace period, then marks the
 * rest failed ("Worker restarted during execution. Use plan_retry to re-run.").
 */
import { onShutdown, readChildConfig, tellSupervisor } from "./child-runtime.js";
import { createEmulatorWorld } from "./emulator-world.js";

const config = readChildConfig("worker-main");
const world = createEmulatorWorld(config, { worker: true });

onShutdown(async (reason) => {
  await world.worker.shutdown({ graceMs: reason === "orphaned" ? 0 : config.graceMs });
  world.close();
});

tellSupervisor({ type: "ready" });
