import type { PlanExeClient } from "../../client.js";
import { isPlanExeError } from "../../errors/index.js";
import { isTerminalState, type PlanState } from "../../protocol/index.js";
import { followStream } from "../../sse/follow-stream.js";
import { CLIENT_WATCH_DEFAULTS, type PlanWatchEnd, type PlanWatchEvent } from "../../sse/index.js";
import { resolveWatchConfig } from "../../sse/watch-plan.js";
import { type Clock, systemClock } from "../../time/clock.js";
import type { PlanStatusOutput } from "../../tools/schemas/plan-status.js";
import type { FetchFunction } from "../../transport/http/fetch-function.js";
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
  /** Replace files already in `downloadDir`. @default false */
  force?: boolean | undefined;
  /** Redraw the bar's elapsed time this often (0: never). @default 0 */
  tickMs?: number | undefined;
  /** Told about every stream event (the demo counts them). */
  onEvent?: ((event: PlanWatchEvent) => void) | undefined;
  /** @default systemClock */
  clock?: Clock | undefined;
  /** The fetch the progress stream is read with (tests pass their double's). @default globalThis.fetch */
  fetch?: FetchFunction | undefined;
}

const STATUS_REFRESH_MS = 2_000;

/**
 * Watches one plan to its end through deploys: a first `plan_status` (unknown
 * plan and bad key fail here, in one line), then the progress stream, with
 * `plan_status` refreshes for the step name; then the report link and downloads.
 * Resolves with the exit code; never throws.
 */
export async function runWatchSession(options: WatchSessionOptions): Promise<number> {
  const { command, ref, renderer, signal, apiKey } = options;
  const clock = options.clock ?? systemClock;
  const fail = (error: unknown): number => {
    const cliError = explain(error, { command, baseUrl: ref.baseUrl, apiKey, signal });
    const result: WatchResult = { state: undefined, exitCode: cliError.exitCode };
    if (cliError.exitCode !== ExitCode.INTERRUPTED) result.error = cliError.message;
    renderer.finish(result);
    return cliError.exitCode;
  };
  const run = await stream(options, clock);
  if (run.fatal !== undefined) return fail(run.fatal);
  const end = run.end;
  if (end.reason === "aborted") return fail(new CliError("interrupted", ExitCode.INTERRUPTED));
  if (end.reason === "error") return fail(end.error);
  const state: PlanState = end.event.state;
  const failure = end.event.error?.message ?? run.lastStatus?.error?.message;
  const canAsk = run.canAsk;
  try {
    const result = await finishPlan({ ...options, canAsk, state, failure });
    renderer.finish(result);
    return result.exitCode;
  } catch (error) {
    return fail(error);
  }
}

/** A first `plan_status` failure that ends the watch: an unknown plan, or a key the server rejected. */
function isFatal(error: unknown, apiKey: string | undefined): boolean {
  if (!isPlanExeError(error)) return false;
  return error.code === "PLAN_NOT_FOUND" || (error.code === "AUTH_FAILED" && apiKey !== undefined);
}

interface StreamRun {
  end: PlanWatchEnd;
  /** Set when the first `plan_status` showed the watch cannot succeed. */
  fatal?: unknown;
  /** Whether `plan_status` answers (without a key, only the stream does: its UUID is its credential). */
  canAsk: boolean;
  lastStatus: PlanStatusOutput | undefined;
}

/**
 * Streams the plan's progress while a first `plan_status` runs beside it (so an
 * outage shows as reconnects from the first second, not as silence); that status
 * ends the watch at once when the plan is unknown or the key is rejected. While the
 * server refuses the stream (its connection limit), progress comes from `plan_status`
 * polled beside it, until the stream is accepted or polling finds the plan done.
 */
async function stream(options: WatchSessionOptions, clock: Clock): Promise<StreamRun> {
  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  const run: StreamRun = {
    end: { reason: "aborted" },
    canAsk: options.ref.planId !== undefined,
    lastStatus: undefined,
  };
  const status = statusBeside(options, run, clock, signal);
  const first = askFirstStatus(options, run, status.show, stop, signal);
  const stopTicking = tickEvery(options, clock);
  try {
    run.end = await follow(options, clock, signal, run, status);
    if (run.end.reason === "complete") {
      status.end();
      tell(options, run.end.event);
    }
  } catch (error) {
    // Only a throwing renderer or onEvent gets here: the watch ends with it, told as any failure.
    run.fatal = error;
  } finally {
    status.end();
    stopTicking();
  }
  // A rejected key must fail the watch even when the stream (which needs no key) won the race.
  if (run.end.reason !== "aborted") await first;
  return run;
}

/** `plan_status` answers beside the stream: each is kept as the last one and drawn until the watch ended. */
interface StatusBeside {
  show(status: PlanStatusOutput): void;
  /** Asks `plan_status` again for the step name, at most every `STATUS_REFRESH_MS` and one at a time. */
  refresh(): void;
  /** The watch ended: answers still arriving are kept, not drawn. */
  end(): void;
}

function statusBeside(
  options: WatchSessionOptions,
  run: StreamRun,
  clock: Clock,
  signal: AbortSignal,
): StatusBeside {
  const { ref, client, renderer } = options;
  let ended = false;
  let refreshing = false;
  let refreshedAt = clock.now();
  const show = (status: PlanStatusOutput) => {
    run.lastStatus = status;
    if (!ended && !isTerminalState(status.state)) renderer.update({ kind: "status", status });
  };
  return {
    show,
    refresh() {
      if (!run.canAsk || !ref.planId || refreshing || clock.now() - refreshedAt < STATUS_REFRESH_MS)
        return;
      refreshing = true;
      refreshedAt = clock.now();
      client
        .getStatus(ref.planId, { signal })
        .then(show)
        .catch(() => {})
        .finally(() => {
          refreshing = false;
        });
    },
    end() {
      ended = true;
    },
  };
}

/**
 * The first `plan_status`, run beside the stream: an unknown plan or a rejected key
 * ends the watch (`run.fatal`, and the stream stopped); a key refused otherwise
 * leaves progress to the stream alone.
 */
function askFirstStatus(
  options: WatchSessionOptions,
  run: StreamRun,
  show: (status: PlanStatusOutput) => void,
  stop: AbortController,
  signal: AbortSignal,
): Promise<void> {
  const { ref, client, apiKey } = options;
  if (!ref.planId) return Promise.resolve();
  return client.getStatus(ref.planId, { signal }).then(show, (error: unknown) => {
    if (isFatal(error, apiKey)) {
      run.fatal = error;
      stop.abort();
    } else if (isPlanExeError(error) && error.code === "AUTH_FAILED") run.canAsk = false;
  });
}

/** Redraws the bar's elapsed time every `tickMs` (never when 0); returns the stop. */
function tickEvery(options: WatchSessionOptions, clock: Clock): () => void {
  let cancelTick = () => {};
  const tick = () => {
    options.renderer.tick();
    cancelTick = clock.setTimer(tick, options.tickMs ?? 0);
  };
  if (options.tickMs) cancelTick = clock.setTimer(tick, options.tickMs);
  return () => cancelTick();
}

/** The progress stream to its end; while the server refuses it, `plan_status` polled beside it. */
function follow(
  options: WatchSessionOptions,
  clock: Clock,
  signal: AbortSignal,
  run: StreamRun,
  status: StatusBeside,
): Promise<PlanWatchEnd> {
  const { ref, client } = options;
  const planId = ref.planId;
  const onEvent = (event: PlanWatchEvent) => {
    tell(options, event);
    if (event.type === "status") status.refresh();
  };
  return followStream(
    ref.sseUrl,
    resolveWatchConfig({
      clock,
      ...(options.fetch && { fetch: options.fetch }),
      ...(options.timeoutMs !== undefined && { retry: { deadlineMs: options.timeoutMs } }),
    }),
    signal,
    onEvent,
    planId === undefined
      ? undefined
      : {
          enabled: () => run.canAsk,
          getStatus: (pollSignal) => client.getStatus(planId, { signal: pollSignal }),
          intervalMs: CLIENT_WATCH_DEFAULTS.pollIntervalMs,
          onStatus: status.show,
        },
  );
}

/** One stream event, to the caller's `onEvent` and the renderer. */
function tell(options: WatchSessionOptions, event: PlanWatchEvent): void {
  options.onEvent?.(event);
  options.renderer.update({ kind: "event", event });
}
