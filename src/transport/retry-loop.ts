import { ErrorCode } from "../errors/codes.js";
import { redactUrl } from "../errors/redact.js";
import type { TransportError } from "../errors/transport-error.js";
import { abortReason, type Clock, sleep, timeoutSignal } from "../time/clock.js";
import type { EpisodeControl } from "./episode/episode.js";
import { rateLimitIdentity } from "./episode/rate-identity.js";
import { runAttempt } from "./http/attempt.js";
import type { FetchFunction } from "./http/fetch-function.js";
import { redactErrorBody } from "./http/redact-body.js";
import type { ReplayableRequest } from "./http/request.js";
import { requestSecrets } from "./http/request-secrets.js";
import { type Logger, log } from "./logger.js";
import type { ToolAnnotationsRegistry } from "./mcp/tool-annotations.js";
import type { TransientFailure } from "./policy/classify.js";
import { decide, type Failure, isOutage } from "./policy/decide.js";
import { describeFailure, givingUp, type RequestContext } from "./policy/failure.js";
import { isResendable, type ResendableHook } from "./policy/resend.js";
import { parseRetryAfter, type ResolvedRetryOptions } from "./policy/retry-options.js";

/** What `onRetry` is told before each wait. Every field is safe to log. */
export interface RetryInfo {
  /** The attempt that failed, from 1. */
  attempt: number;
  /** The expected wait before the next attempt, in ms (while an outage is probed: until the next probe). */
  delayMs: number;
  /** Why: a `TransportError` with a redacted message, the original error as its `cause`. */
  cause: TransportError;
  /** The HTTP status that failed, when there was one. */
  status: number | undefined;
  /** The request URL with plan ids and query values shown as `***`. */
  url: string;
  /** True when the wait is the shared outage episode's (one probe for all calls), not this call's own backoff. */
  sharedWait: boolean;
}

/** What the retry loop needs besides the request. */
export interface RetryLoopContext {
  inner: FetchFunction;
  retry: ResolvedRetryOptions;
  clock: Clock;
  /** The shared outage episode for a URL's origin, if any. */
  episodeFor(url: string): EpisodeControl | undefined;
  annotations: ToolAnnotationsRegistry;
  resendable: ResendableHook | undefined;
  secrets: readonly string[];
  maxRedirects: number;
  maxResponseBytes: number;
  followCrossOriginRedirects: boolean;
  onRetry: ((info: RetryInfo) => void) | undefined;
  logger: Logger | undefined;
}

/**
 * Sends `request` under the SDK's one retry policy ({@link decide}): transient
 * failures (network errors, 502/503/504, attempt timeouts, 429) are retried until the
 * overall deadline; while the shared episode is down, the wait is its probe's; a
 * request that may have reached the server is sent again only when it is safe to
 * repeat (for a `tools/call` of a tool never listed, the fetch asks `tools/list`
 * first). Any other answer (2xx, 4xx, …) is returned as is, with the request's
 * secrets redacted from an error body.
 */
export async function sendWithRetry(
  request: ReplayableRequest,
  ctx: RetryLoopContext,
): Promise<Response> {
  const { clock, retry } = ctx;
  const startedAt = clock.now();
  const context: RequestContext = {
    method: request.method,
    url: request.url,
    secrets: [...ctx.secrets, ...requestSecrets(request)],
  };
  // Made on the first wait only: a call answered at once (nearly all) arms no deadline timer.
  let deadline: { signal: AbortSignal; dispose(): void } | undefined;
  const untilDeadline = () => {
    deadline ??= timeoutSignal(Math.max(0, startedAt + retry.deadlineMs - clock.now()), {
      clock,
      parent: request.signal,
    });
    return deadline.signal;
  };
  const shared = ctx.episodeFor(request.url);
  // Who this request counts against in the server's rate limit: worked out only once a 429 was seen.
  let who: string | undefined;
  const identity = () => {
    who ??= rateLimitIdentity(request);
    return who;
  };
  let attempts = 0;
  let last: TransientFailure | undefined;

  const overDeadline = (cause?: unknown) => {
    if (request.signal?.aborted) return abortReason(request.signal);
    const failure: TransientFailure = last ?? { kind: "timeout", delivery: "no", error: cause };
    return givingUp(
      failure,
      `gave up after ${attempts} attempt(s) and ${retry.deadlineMs} ms`,
      context,
      attempts,
      ErrorCode.DEADLINE_EXCEEDED,
    );
  };

  try {
    for (;;) {
      if (shared && (shared.state === "down" || shared.heldUntil > clock.now()))
        await shared.waitForRecovery(untilDeadline()).catch((e) => Promise.reject(overDeadline(e)));
      // After a 429 to this key: wait for the gate; one waiting call at a time goes as its probe.
      const settle = shared?.rateGates.active
        ? await shared.rateGates
            .pass(identity(), untilDeadline())
            .catch((e) => Promise.reject(overDeadline(e)))
        : undefined;
      let decision: ReturnType<typeof decide>;
      try {
        if (shared?.state === "down") continue; // it went down while this call waited: wait on the probe
        const sentAt = clock.now();
        const remaining = startedAt + retry.deadlineMs - sentAt;
        if (remaining <= 0) throw overDeadline();
        attempts++;
        const outcome = await runAttempt(ctx.inner, request, {
          clock,
          timeoutMs: Math.min(retry.attemptTimeoutMs, remaining),
          secrets: context.secrets,
          maxRedirects: ctx.maxRedirects,
          maxResponseBytes: ctx.maxResponseBytes,
          followCrossOriginRedirects: ctx.followCrossOriginRedirects,
        });
        if (outcome.ok) {
          shared?.reportUp();
          if (shared?.rateGates.active) shared.rateGates.open(identity());
          const answer = ctx.annotations.learn(request, outcome.response);
          if (answer.ok) return answer;
          return await redactErrorBody(answer, context.secrets, clock, retry.attemptTimeoutMs);
        }
        last = outcome.failure;
        const now = clock.now();
        const rateLimited = last.kind === "rate-limited";
        const failure: Failure = {
          ...last,
          retryAfterMs: parseRetryAfter(outcome.retryAfter, now),
        };
        // The server looks down to every call of the process, whether or not this one may be resent.
        if (isOutage(failure.kind, 0)) shared?.reportDown(request.url);
        let resendable = true;
        if (failure.delivery === "maybe" && !rateLimited) {
          // Not a 429: it says nothing of the limit. Let the next waiting call probe (this
          // call's own `tools/list` below may be one of them).
          settle?.();
          resendable = isResendable(request, ctx.annotations, ctx.resendable);
          if (
            !resendable &&
            (await ctx.annotations.listOnce(request, untilDeadline(), (list) =>
              sendWithRetry(list, ctx),
            ))
          )
            resendable = isResendable(request, ctx.annotations, ctx.resendable);
        }
        decision = decide({
          operation: "call",
          failure,
          resendable,
          attempt: attempts,
          elapsedMs: clock.now() - startedAt,
          emptyStreak: 0,
          episode: shared && {
            nextProbeAt: shared.nextProbeAt,
            rateLimitedUntil: Math.max(
              shared.heldUntil,
              shared.rateGates.active ? shared.rateGates.until(identity()) : 0,
            ),
          },
          now: clock.now(),
          policy: retry,
        });
        if (decision.action === "give-up")
          throw givingUp(last, decision.reason, context, attempts, decision.code);
        if (decision.holdUntil !== undefined) {
          if (rateLimited) shared?.rateGates.limit(identity(), decision.holdUntil);
          else shared?.holdUntil(decision.holdUntil);
        }
      } finally {
        settle?.();
      }
      const info: RetryInfo = {
        attempt: attempts,
        delayMs: decision.delayMs,
        cause: givingUp(last, "retrying", context, attempts),
        status: last.status,
        url: redactUrl(request.url),
        sharedWait: decision.waitOn === "episode",
      };
      ctx.onRetry?.(info);
      log(
        ctx.logger,
        {
          kind: "retry",
          method: request.method,
          url: info.url,
          failure: describeFailure(last),
          attempt: attempts,
          delayMs: decision.delayMs,
        },
        context.secrets,
      );
      // "episode": the wait happens at the top of the loop, on the probe, the hold or the 429
      // gate. An episode that holds nothing there (closed when its last lease was released,
      // as a fetch nobody references is collected) must not turn that into a loop with no wait.
      if (decision.waitOn === "own" || !shared || !holdsCalls(shared, clock.now()))
        await sleep(decision.delayMs, { clock, signal: untilDeadline() }).catch((e) =>
          Promise.reject(overDeadline(e)),
        );
    }
  } finally {
    deadline?.dispose();
  }
}

/** Whether the top of the retry loop waits on `episode`: its probe, its hold or a 429 gate. */
function holdsCalls(episode: EpisodeControl, now: number): boolean {
  return episode.state === "down" || episode.heldUntil > now || episode.rateGates.active;
}
