/**
 * One operation's failures, as the one retry policy sees them: the only place a
 * failure becomes the input of {@link decide}. Owns what the loops used to count by
 * hand: the attempt count, when the operation (a stream: its current outage) began,
 * a stream's run of empty 200s and its `retry:` hint; telling the shared outage
 * episode of an outage before deciding; what the decision sees of that episode; and
 * handing a decision's hold back to it. The loops — tool calls (`retry-loop.ts`),
 * progress streams (`sse/stream-loop.ts`), `plan_retry` / `plan_resume` resends
 * (`tools/rerun.ts`), downloads (`tools/download.ts`) — do the I/O and build their
 * own errors.
 */
import type { Clock } from "../time/clock.js";
import type { EpisodeControl } from "./episode/episode.js";
import {
  clampRetryHint,
  type Decision,
  type DecisionInput,
  decide,
  isOutage,
  isRefusal,
  type Operation,
} from "./policy/decide.js";
import type { Failure } from "./policy/failure-kind.js";
import type { ResolvedRetryOptions } from "./policy/retry-options.js";

/** What an operation is, for {@link trackRetries}. */
export type RetryTrackerOptions = {
  operation: Operation;
  policy: ResolvedRetryOptions;
  clock: Clock;
  /**
   * Who a call counts against in the server's rate limit (see `rateLimitIdentity`):
   * its 429 holds the calls made with the same key, through the episode's gates.
   */
  rateKey?: (() => string) | undefined;
  /**
   * When the deadline starts: at the operation's start (a call, a download), or at its
   * first failure since it last got through (a stream: each outage has its own).
   * @default "start"
   */
  measureFrom?: "start" | "first-failure";
} & (
  | {
      /**
       * The shared outage episode, if any: an outage is reported to it, and while it
       * is down the decision waits on its probe.
       */
      episode: EpisodeControl | undefined;
      /** What the operation talks to: what the episode is told is down, if it covers it. */
      url: string | URL;
    }
  /** A download's body: the server answered its headers, no episode is asked. */
  | { episode?: undefined; url?: undefined }
);

/** One operation's count of failures; see {@link trackRetries}. */
export interface RetryTracker {
  /** Failures counted so far (a stream: since it last got through), from 0. */
  readonly attempt: number;
  /** When the deadline started (epoch ms); `undefined` for a stream between outages. */
  readonly startedAt: number | undefined;
  /** What is left of the deadline, in ms (negative once past it). */
  remainingMs(): number;
  /** Counts a failure; an outage is reported to the shared episode at once. */
  failed(failure: Failure): CountedFailure;
  /** The server's `retry:` hint (ms), clamped; a stream waits at least this long after the server closed it. */
  retryHint(ms: number): void;
  /** The operation got through (a stream delivered): the next failure starts a new count and deadline. */
  gotThrough(): void;
}

/** A failure {@link RetryTracker.failed} counted, waiting for the verdict. */
interface CountedFailure {
  /** Whether it is a refusal for now (a 429, a stream's connection limit). */
  readonly refused: boolean;
  /**
   * The one policy's verdict. `resendable`: may the request be sent again though it
   * may have reached the server (streams, downloads: always). A hold the decision
   * asks for goes to the episode: a call's 429 to its key's gate, an outage's
   * `Retry-After` to the whole origin.
   */
  decide(resendable?: boolean): Decision;
}

/** Starts counting one operation's failures (see {@link RetryTracker}). */
export function trackRetries(options: RetryTrackerOptions): RetryTracker {
  const { clock, policy } = options;
  const shared = sharedEpisode(options);
  let attempt = 0;
  let startedAt = options.measureFrom === "first-failure" ? undefined : clock.now();
  let emptyStreak = 0;
  let retryHintMs: number | undefined;
  return {
    get attempt() {
      return attempt;
    },
    get startedAt() {
      return startedAt;
    },
    remainingMs() {
      const now = clock.now();
      return (startedAt ?? now) + policy.deadlineMs - now;
    },
    failed(failure) {
      attempt += 1;
      startedAt ??= clock.now();
      emptyStreak = failure.kind === "empty-stream" ? emptyStreak + 1 : 0;
      // The server looks down to every call and stream of the process, whatever this one does next.
      if (isOutage(failure.kind, emptyStreak)) shared.reportOutage();
      const refused = isRefusal(failure.kind, emptyStreak);
      const input = { operation: options.operation, failure, attempt, emptyStreak, retryHintMs };
      return {
        refused,
        decide(resendable = true) {
          const now = clock.now();
          const elapsedMs = now - (startedAt ?? now);
          const episode = shared.view(refused);
          const decision = decide({ ...input, resendable, elapsedMs, episode, now, policy });
          if (decision.action === "retry" && decision.holdUntil !== undefined)
            shared.hold(decision.holdUntil, refused);
          return decision;
        },
      };
    },
    retryHint(ms) {
      retryHintMs = clampRetryHint(ms);
    },
    gotThrough() {
      attempt = 0;
      emptyStreak = 0;
      if (options.measureFrom === "first-failure") startedAt = undefined;
    },
  };
}

/** The operation's side of the shared episode: what it reports, what the decision sees, the holds it hands back. */
function sharedEpisode({ episode, url, rateKey }: RetryTrackerOptions) {
  const covering = () => (url !== undefined && episode?.covers(url) ? episode : undefined);
  return {
    /** The server looks down: one probe for every call and stream of the process. */
    reportOutage() {
      if (url !== undefined) covering()?.reportDown(url);
    },
    /** The episode as the decision sees it: while it is down, and for a call's 429 (its key's gate). */
    view(refused: boolean): DecisionInput["episode"] {
      const on = covering();
      if (!on || (on.state !== "down" && !(rateKey && refused))) return undefined;
      if (!rateKey) return on;
      const gate = on.rateGates.active ? on.rateGates.until(rateKey()) : 0;
      return { nextProbeAt: on.nextProbeAt, rateLimitedUntil: Math.max(on.heldUntil, gate) };
    },
    /** A decision's hold: a call's 429 holds its key's calls, an outage's `Retry-After` the whole origin. */
    hold(until: number, refused: boolean) {
      const on = covering();
      if (rateKey && refused) on?.rateGates.limit(rateKey(), until);
      else on?.holdUntil(until);
    },
  };
}
