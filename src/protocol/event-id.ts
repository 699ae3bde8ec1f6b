import { type PlanState, PlanStateSchema } from "./events.js";
import type { PlanSnapshot } from "./snapshot.js";

/** The version prefix of every event id this package's server emits. */
const EVENT_ID_VERSION = "1";

/**
 * The event id of a snapshot: `"<v>.<run>.<state>.<progress×10>"`, e.g. `"1.0.processing.425"`.
 * Derived from the snapshot alone, so every replica computes the same id and a
 * client can resume on any of them. Clients must treat it as opaque.
 */
export function snapshotEventId(
  snapshot: Pick<PlanSnapshot, "run" | "state" | "progress_percentage">,
): string {
  const run = snapshot.run ?? 0;
  const progress = Math.round(Math.min(100, Math.max(0, snapshot.progress_percentage)) * 10);
  return `${EVENT_ID_VERSION}.${run}.${snapshot.state}.${progress}`;
}

/** The parts of an event id, or `undefined` when it is not one of ours (any other or malformed id). */
export function parseEventId(
  id: string,
): { run: number; state: PlanState; progressTenths: number } | undefined {
  const match = /^1\.(\d{1,9})\.([a-z]+)\.(\d{1,4})$/.exec(id);
  if (!match) return undefined;
  const state = PlanStateSchema.safeParse(match[2]);
  const progressTenths = Number(match[3]);
  if (!state.success || progressTenths > 1000) return undefined;
  return { run: Number(match[1]), state: state.data, progressTenths };
}
