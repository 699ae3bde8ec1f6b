import { abortReason, type Clock } from "../time/clock.js";
import type { OutageEpisode } from "../transport/episode/episode.js";
import type { ProgressUpdate } from "./progress.js";

const FIRST_REPORT_MS = 1_000;

/** The abort reason of a call whose budget ran out (never seen outside `src/mcp`). */
export class CallBudgetExceeded extends Error {
  override name = "CallBudgetExceeded" as const;
  constructor(readonly budgetMs: number) {
    super(`No answer from PlanExe within the call budget of ${Math.round(budgetMs / 1000)} s`);
  }
}

/** What {@link runWithBudget} needs. */
export interface BudgetOptions {
  budgetMs: number;
  clock: Clock;
  /** The host's `extra.signal`: aborted by `notifications/cancelled`. */
  hostSignal: AbortSignal;
  /** The client's outage episode: while it is down, the call says so in progress notifications. */
  episode: OutageEpisode | undefined;
  /** How often a waiting call reports, in ms. */
  progressIntervalMs: number;
  /** Sends a progress notification; absent when the request carried no `progressToken`. */
  notify: ((update: ProgressUpdate) => Promise<void>) | undefined;
  /** What the call waits for, in the progress message: "plan_status". */
  what: string;
}

/**
 * Runs `work` with a signal that aborts when the host cancels or when `budgetMs`
 * has passed (with a {@link CallBudgetExceeded} reason), so that no call outlives a
 * host's tool-call limit. While PlanExe is down it sends a progress notification
 * every `progressIntervalMs` saying what it waits for (hosts show them and reset
 * their idle timers on them). Leaves no timer behind.
 */
export async function runWithBudget<T>(
  options: BudgetOptions,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const { clock, budgetMs, hostSignal, episode } = options;
  const controller = new AbortController();
  const startedAt = clock.now();
  const onHostAbort = () => controller.abort(abortReason(hostSignal));
  if (hostSignal.aborted) onHostAbort();
  else hostSignal.addEventListener("abort", onHostAbort, { once: true });
  const cancelBudget = clock.setTimer(
    () => controller.abort(new CallBudgetExceeded(budgetMs)),
    budgetMs,
  );
  let cancelTick: (() => void) | undefined;
  let sending: Promise<void> = Promise.resolve();
  const tick = () => {
    cancelTick = undefined;
    if (controller.signal.aborted) return;
    const now = clock.now();
    const message = waitingMessage(episode, now, options.what, budgetMs - (now - startedAt));
    if (message && options.notify)
      sending = options.notify({
        progress: Math.round((now - startedAt) / 100) / 10,
        total: Math.round(budgetMs / 100) / 10,
        message,
      });
    cancelTick = clock.setTimer(tick, options.progressIntervalMs);
  };
  // The first report comes soon, so a host sees at once that the call is waiting.
  if (options.notify)
    cancelTick = clock.setTimer(tick, Math.min(FIRST_REPORT_MS, options.progressIntervalMs));
  try {
    return await work(controller.signal);
  } catch (error) {
    // The call's own rejection is the abort reason; report the budget, not an AbortError.
    if (controller.signal.aborted) throw abortReason(controller.signal);
    throw error;
  } finally {
    cancelBudget();
    cancelTick?.();
    hostSignal.removeEventListener("abort", onHostAbort);
    // A notification after the result would name a request the host has closed.
    await sending;
  }
}

/** What a waiting call tells the host, or `undefined` while PlanExe is answering. */
function waitingMessage(
  episode: OutageEpisode | undefined,
  now: number,
  what: string,
  remainingMs: number,
): string | undefined {
  const left = `this call waits up to ${Math.max(0, Math.round(remainingMs / 1000))} s more`;
  if (episode?.state === "down") {
    const downFor = Math.round((now - (episode.downSince ?? now)) / 1000);
    return `PlanExe unreachable for ${downFor} s (a deploy or restart?): ${what} waits for it to come back; ${left}`;
  }
  const gate = (episode?.rateLimitedUntil ?? 0) - now;
  if (gate > 0)
    return `PlanExe rate limit: ${what} is sent again in ${Math.ceil(gate / 1000)} s; ${left}`;
  return undefined;
}
