import type { PlanExeClient } from "../../client.js";
import { isPlanExeError } from "../../errors/index.js";
import { isTerminalState, type PlanState } from "../../protocol/index.js";
import { type PlanWatchEnd, type PlanWatchEvent, watchPlan } from "../../sse/index.js";
import type { PlanStatusOutput } from "../../tools/schemas/plan-status.js";
import { type Clock, systemClock } from "../../transport/clock.js";
import type { PlanRef } from "../args/plan-ref.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { explain } from "../explain.js";
import type { Renderer, WatchResult } from "../render/index.js";
import { finishPlan } from "./finish.js";

/** What one watch needs. */
export interface WatchSessionOptions {
  command: string;
  ref: PlanRef;
  client: PlanExeClient;
  apiKey: string | undefined;
  renderer: Renderer;
  signal: AbortSignal;
  /** The retry deadline of one outage, in ms. @default the SDK's (180 s) */
  timeoutMs?: number | undefined;
  /** Save the report and zip here once the plan completed. */
  downloadDir?: string | undefined;
  /** Redraw the bar's elapsed time this often (0: never). @default 0 */
  tickMs?: number | undefined;
  /** Told about every stream event (the demo counts them). */
  onEvent?: ((event: PlanWatchEvent) => void) | undefined;
  /** @default systemClock */
  clock?: Clock | undefined;
}

const STATUS_REFRESH_MS = 2_000;

/**
 * Watches one plan to its end through deploys: a first `plan_status` (unknown
 * plan and bad key fail here, in one line), then the progress stream, with
 * `plan_status` refreshes for the step name; then the report link and downloads.
 * Resolves with the exit code; never throws.
 */
export async function runWatchSession(options: WatchSessionOptions): Promise<number> {
  const { command, ref, client, renderer, signal, apiKey } = options;
  const clock = options.clock ?? systemClock;
  const fail = (error: unknown): number => {
    const cliError = explain(error, { command, baseUrl: ref.baseUrl, apiKey, signal });
    const result: WatchResult = { state: undefined, exitCode: cliError.exitCode };
    if (cliError.exitCode !== ExitCode.INTERRUPTED) result.error = cliError.message;
    renderer.finish(result);
    return cliError.exitCode;
  };
  let canAsk = ref.planId !== undefined;
  let first: PlanStatusOutput | undefined;
  try {
    if (ref.planId) first = await client.getStatus(ref.planId, { signal });
  } catch (error) {
    // Without a key the stream still works (its UUID is its only credential).
    if (!(isPlanExeError(error) && error.code === "AUTH_FAILED" && !apiKey)) return fail(error);
    canAsk = false;
  }
  if (first) renderer.update({ kind: "status", status: first });
  let state: PlanState | undefined;
  let failure: string | undefined;
  if (first && isTerminalState(first.state)) {
    state = first.state;
    failure = first.error?.message;
  } else {
    const end = await stream(options, clock, canAsk);
    if (end.reason === "aborted") return fail(new CliError("interrupted", ExitCode.INTERRUPTED));
    if (end.reason === "error") return fail(end.error);
    state = end.event.state;
    failure = end.event.error?.message;
  }
  try {
    const result = await finishPlan({ ...options, canAsk, state, failure });
    renderer.finish(result);
    return result.exitCode;
  } catch (error) {
    return fail(error);
  }
}

async function stream(
  options: WatchSessionOptions,
  clock: Clock,
  canAsk: boolean,
): Promise<PlanWatchEnd> {
  const { ref, client, renderer, signal } = options;
  const watch = watchPlan(ref.sseUrl, {
    signal,
    clock,
    ...(options.timeoutMs !== undefined && { retry: { deadlineMs: options.timeoutMs } }),
  });
  let refreshing = false;
  let ended = false;
  let refreshedAt = Number.NEGATIVE_INFINITY;
  const refresh = () => {
    if (!canAsk || !ref.planId || refreshing || clock.now() - refreshedAt < STATUS_REFRESH_MS)
      return;
    refreshing = true;
    refreshedAt = clock.now();
    client
      .getStatus(ref.planId, { signal })
      .then((status) => {
        if (!ended && !isTerminalState(status.state)) renderer.update({ kind: "status", status });
      })
      .catch(() => {})
      .finally(() => {
        refreshing = false;
      });
  };
  let cancelTick = () => {};
  const tick = () => {
    renderer.tick();
    cancelTick = clock.setTimer(tick, options.tickMs ?? 0);
  };
  if (options.tickMs) cancelTick = clock.setTimer(tick, options.tickMs);
  try {
    for await (const event of watch) {
      options.onEvent?.(event);
      if (event.type === "complete") ended = true;
      renderer.update({ kind: "event", event });
      if (event.type === "status") refresh();
    }
  } catch {
    // The reason is in `closed`.
  } finally {
    ended = true;
    cancelTick();
  }
  return watch.closed;
}
