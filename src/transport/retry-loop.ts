import { ErrorCode } from "../errors/codes.js";
import { redactText, redactUrl } from "../errors/redact.js";
import type { TransportError } from "../errors/transport-error.js";
import { runAttempt } from "./attempt.js";
import type { TransientFailure } from "./classify.js";
import { abortReason, type Clock, sleep, timeoutSignal } from "./clock.js";
import type { OutageEpisode } from "./episode.js";
import { describeFailure, givingUp, type RequestContext } from "./failure.js";
import { backoffDelay, type ResolvedRetryOptions } from "./policy.js";
import type { FetchFunction } from "./redirect.js";
import { type ReplayableRequest, secretsOf } from "./request.js";
import { isResendable, type ResendableHook } from "./resend.js";
import { outageRetryAfter, rateLimitDelay } from "./retry-after.js";
import type { ToolAnnotationsRegistry } from "./tool-annotations.js";

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

/** Where a log line goes; any `console`-like object works. */
export interface TransportLogger {
  debug?(message: string): void;
  info?(message: string): void;
  warn?(message: string): void;
}

/** What the retry loop needs besides the request. */
export interface RetryLoopContext {
  inner: FetchFunction;
  retry: ResolvedRetryOptions;
  clock: Clock;
  episode: OutageEpisode | undefined;
  annotations: ToolAnnotationsRegistry;
  resendable: ResendableHook | undefined;
  secrets: readonly string[];
  maxRedirects: number;
  maxResponseBytes: number;
  followCrossOriginRedirects: boolean;
  onRetry: ((info: RetryInfo) => void) | undefined;
  logger: TransportLogger | undefined;
}

/**
 * Sends `request` under the SDK's one retry policy: transient failures (network
 * errors, 502/503/504, attempt timeouts, 429) are retried until the overall
 * deadline; while the shared episode is down, the wait is its probe's; a request
 * that may have reached the server is sent again only when it is safe to repeat.
 * Any other answer (2xx, 4xx, …) is returned as is.
 */
export async function sendWithRetry(
  request: ReplayableRequest,
  ctx: RetryLoopContext,
): Promise<Response> {
  const { clock, retry } = ctx;
  const deadlineAt = clock.now() + retry.deadlineMs;
  const context: RequestContext = {
    method: request.method,
    url: request.url,
    secrets: [...ctx.secrets, ...secretsOf(request.headers)],
  };
  const deadline = timeoutSignal(retry.deadlineMs, { clock, parent: request.signal });
  let attempts = 0;
  let streak = 0;
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
      const shared = ctx.episode?.covers(request.url) ? ctx.episode : undefined;
      if (shared)
        await shared.waitForRecovery(deadline.signal).catch((e) => Promise.reject(overDeadline(e)));
      const sentAt = clock.now();
      const remaining = deadlineAt - sentAt;
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
        return ctx.annotations.learn(request, outcome.response);
      }
      const failure = outcome.failure;
      last = failure;
      // The server looks down to every call of the client, whether or not this one may be resent.
      if (failure.kind !== "rate-limited") shared?.reportDown(request.url);
      if (failure.delivery === "maybe" && !isResendable(request, ctx.annotations, ctx.resendable))
        throw givingUp(
          failure,
          "not sent again: the server may have received it, and repeating it is not known to be safe",
          context,
          attempts,
        );
      const now = clock.now();
      let delay: number;
      if (failure.kind === "rate-limited") {
        const inARow = shared ? shared.noteRateLimited(sentAt) : ++streak;
        delay = rateLimitDelay(outcome.retryAfter, inARow, retry, now);
        if (now + delay > deadlineAt)
          throw givingUp(
            failure,
            `the server asks to wait ${delay} ms, beyond the deadline`,
            context,
            attempts,
          );
        shared?.holdUntil(now + delay);
      } else {
        const hinted = outageRetryAfter(outcome.retryAfter, retry, now);
        if (shared) {
          if (hinted !== undefined) shared.holdUntil(now + hinted);
          delay = Math.max(0, (shared.nextProbeAt ?? now) - now, shared.rateLimitedUntil - now);
        } else {
          delay = Math.max(backoffDelay(attempts, retry), hinted ?? 0);
        }
      }
      const info: RetryInfo = {
        attempt: attempts,
        delayMs: delay,
        cause: givingUp(failure, "retrying", context, attempts),
        status: failure.status,
        url: redactUrl(request.url),
        sharedWait: shared !== undefined,
      };
      ctx.onRetry?.(info);
      ctx.logger?.warn?.(
        redactText(
          `planexe-client: ${request.method} ${info.url} failed (${describeFailure(failure)}), attempt ${attempts}; retrying in ~${delay} ms`,
          context.secrets,
        ),
      );
      if (!shared)
        await sleep(delay, { clock, signal: deadline.signal }).catch((e) =>
          Promise.reject(overDeadline(e)),
        );
    }
  } finally {
    deadline.dispose();
  }
}
