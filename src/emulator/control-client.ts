import type { DeployOptions, DeployReport } from "./deploy.js";
import { EmulatorError } from "./emulator-error.js";

/** Options of {@link deployRunningEmulator}. */
export interface DeployRunningEmulatorOptions extends DeployOptions {
  /** The port the emulator's edge listens on. @default 8001 */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  signal?: AbortSignal;
}

/**
 * Deploys an emulator started by another process (`planexe-client emulator`),
 * through its loopback control endpoint. Resolves with the report once the
 * deploy is done (new replicas healthy, old ones gone). Rejects with
 * `EmulatorError`: `CONTROL_FAILED` (nothing listening, not an emulator, bad
 * options), `DEPLOY_IN_PROGRESS`, `DEPLOY_FAILED`.
 *
 * @example
 * await deployRunningEmulator({ port: 8001, mode: "restart", windowMs: 30_000 });
 */
export async function deployRunningEmulator(
  options: DeployRunningEmulatorOptions,
): Promise<DeployReport> {
  const { port = 8001, host = "127.0.0.1", signal, ...deploy } = options;
  const init: RequestInit = {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(deploy),
  };
  if (signal) init.signal = signal;
  let response: Response;
  try {
    response = await fetch(`http://${host}:${port}/__emulator/deploy`, init);
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new EmulatorError(
      "CONTROL_FAILED",
      `No emulator answers on ${host}:${port}; start one with \`planexe-client emulator --port ${port}\``,
      { cause },
    );
  }
  const body = (await response.json().catch(() => ({}))) as { detail?: string };
  if (response.status === 409) {
    throw new EmulatorError("DEPLOY_IN_PROGRESS", body.detail ?? "A deploy is already running");
  }
  if (!response.ok) {
    throw new EmulatorError(
      response.status === 500 ? "DEPLOY_FAILED" : "CONTROL_FAILED",
      `Emulator deploy failed (HTTP ${response.status}): ${body.detail ?? "is this port a planexe-client emulator?"}`,
    );
  }
  return body as DeployReport;
}
