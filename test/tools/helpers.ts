import { onTestFinished } from "vitest";
import { PlanExeClient } from "../../src/client.js";
import { createPlanExeDouble, type PlanExeDoubleOptions } from "../../src/testing/index.js";
import type { PlanExeClientOptions } from "../../src/tools/options.js";

export const KEY = "pex_test_0123456789abcdef";

/**
 * The PlanExe double (auth on, 10-minute plans) and a client on its clock and fetch,
 * both closed when the test that made them ends (`close()` closes them sooner).
 */
export function setup(
  options: PlanExeDoubleOptions = {},
  clientOptions: Partial<PlanExeClientOptions> = {},
) {
  const double = createPlanExeDouble({ apiKeys: [KEY], planSeconds: 600, ...options });
  const { clock } = double;
  const client = new PlanExeClient({
    baseUrl: double.baseUrl,
    apiKey: KEY,
    clock,
    fetch: double.fetch,
    ...clientOptions,
  });
  const run = <T>(promise: Promise<T>) => clock.runUntil(promise, { maxMs: 600_000 });
  const close = async () => {
    await client.close();
    double.close();
  };
  onTestFinished(close);
  return { double, clock, client, run, close };
}

/** Settles `promise` and returns its error (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection, got a value");
}
