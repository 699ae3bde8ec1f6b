// planexe-client/emulator: a real local PlanExe — an edge, replica processes and a worker over
// one state file — with Railway-style restart and rolling deploys.
export { DOUBLE_API_KEY } from "../fake/auth.js";
export type { DeployKind } from "../fake/index.js";
export type { RateLimitOptions } from "../fake/rate-limit.js";
export {
  type DeployRunningEmulatorOptions,
  deployRunningEmulator,
} from "./control-client.js";
export type { DeployOptions, DeployReport } from "./deploy.js";
export { EmulatorError, type EmulatorErrorCode } from "./emulator-error.js";
export type { ReplicaInfo, ReplicaStatus } from "./replica-pool.js";
export { type Emulator, type EmulatorOptions, startEmulator } from "./start-emulator.js";
