import type { DeployOptions, DeployReport } from "./deploy.js";

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
 * deploy is done (new replicas healthy, old ones gone).
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
  const response = await fetch(`http://${host}:${port}/__emulator/deploy`, init);
  const body = (await response.json().catch(() => ({}))) as { detail?: string };
  if (!response.ok) {
    throw new Error(
      `Emulator deploy failed (HTTP ${response.status}): ${body.detail ?? "no emulator on this port?"}`,
    );
  }
  return body as DeployReport;
}
