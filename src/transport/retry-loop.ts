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
import type { decide, RetryDecision } from "./policy/decide.js";
import { describeFailure, givingUp, type RequestContext } from "./policy/failure.js";
import { isResendable, type ResendableHook } from "./policy/resend.js";
import { parseRetryAfter, type ResolvedRetryOptions } from "./policy/retry-options.js";
import { type RetryTracker, trackRetries } from "./retry-tracker.js";

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
  const call = startCall(request, ctx);
  try {
    for (;;) {
      const settle = await waitForTurn(call);
      let decision: RetryDecision;
      try {
        if (call.episode?.state === "down") continue; // it went down while this call waited: wait on the probe
        const outcome = await attemptOnce(call);
        if (outcome.ok) return await answered(call, outcome.response);
        decision = await afterFailure(call, outcome, settle);
      } finally {
        settle?.();
      }
      reportRetry(call, decision);
      await pause(call, decision);
    }
  } finally {
    call.dispose();
  }
}

/** One request across its attempts: what every step of {@link sendWithRetry} reads. */
interface Call {
  request: ReplayableRequest;
  ctx: RetryLoopContext;
  /** The request as errors name it, with every secret it carries. */
  context: RequestContext;
  /** The shared outage episode of the request's origin, if any. */
  episode: EpisodeControl | undefined;
  tracker: RetryTracker;
  /** The last failure seen. */
  last: TransientFailure | undefined;
  /** Who this request counts against in the server's rate limit (worked out once, when first asked). */
  identity(): string;
  /** Aborts when the overall deadline passes or the caller aborts (armed on the first wait only). */
  untilDeadline(): AbortSignal;
  /** The error a wait cut short by the deadline (or the caller's abort) ends the call with. */
  overDeadline(cause?: unknown): unknown;
  dispose(): void;
}

function startCall(request: ReplayableRequest, ctx: RetryLoopContext): Call {
  const { clock, retry } = ctx;
  const episode = ctx.episodeFor(request.url);
  // Made on the first wait only: a call answered at once (nearly all) arms no deadline timer.
  let deadline: { signal: AbortSignal; dispose(): void } | undefined;
  let who: string | undefined;
  const identity = () => {
    who ??= rateLimitIdentity(request);
    return who;
  };
  const call: Call = {
    request,
    ctx,
    context: {
      method: request.method,
      url: request.url,
      secrets: [...ctx.secrets, ...requestSecrets(request)],
    },
    episode,
    tracker: trackRetries({
      operation: "call",
      policy: retry,
      clock,
      episode,
      url: request.url,
      rateKey: identity,
    }),
    last: undefined,
    identity,
    untilDeadline() {
      deadline ??= timeoutSignal(Math.max(0, call.tracker.remainingMs()), {
        clock,
        parent: request.signal,
      });
      return deadline.signal;
    },
    overDeadline(cause) {
      if (request.signal?.aborted) return abortReason(request.signal);
      const failure = call.last ?? { kind: "timeout", delivery: "no", error: cause };
      const reason = `gave up after ${call.tracker.attempt} attempt(s) and ${retry.deadlineMs} ms`;
      return givingUp(
        failure,
        reason,
        call.context,
        call.tracker.attempt,
        ErrorCode.DEADLINE_EXCEEDED,
      );
    },
    dispose: () => deadline?.dispose(),
  };
  return call;
}

/**
 * Waits while the episode holds the request (down, or a server's `Retry-After`), then,
 * after a 429 to this key, for the key's gate: one waiting call at a time goes as its
 * probe. Resolves with what settles that turn once the attempt has an answer.
 */
async function waitForTurn(call: Call): Promise<(() => void) | undefined> {
  const { episode } = call;
  if (!episode) return undefined;
  try {
    if (episode.state === "down" || episode.heldUntil > call.ctx.clock.now())
      await episode.waitForRecovery(call.untilDeadline());
    if (!episode.rateGates.active) return undefined;
    return await episode.rateGates.pass(call.identity(), call.untilDeadline());
  } catch (error) {
    throw call.overDeadline(error);
  }
}

/** One attempt, bounded by the attempt timeout and what is left of the deadline. */
function attemptOnce(call: Call): ReturnType<typeof runAttempt> {
  const { ctx, tracker } = call;
  const remaining = tracker.remainingMs();
  if (remaining <= 0) throw call.overDeadline();
  return runAttempt(ctx.inner, call.request, {
    clock: ctx.clock,
    timeoutMs: Math.min(ctx.retry.attemptTimeoutMs, remaining),
    secrets: call.context.secrets,
    maxRedirects: ctx.maxRedirects,
    maxResponseBytes: ctx.maxResponseBytes,
    followCrossOriginRedirects: ctx.followCrossOriginRedirects,
  });
}

/** The server answered: the episode is up, the key's gate opens, and the answer goes back (an error body redacted). */
async function answered(call: Call, response: Response): Promise<Response> {
  const { ctx, episode } = call;
  episode?.reportUp();
  if (episode?.rateGates.active) episode.rateGates.open(call.identity());
  const answer = ctx.annotations.learn(call.request, response);
  if (answer.ok) return answer;
  return redactErrorBody(answer, call.context.secrets, ctx.clock, ctx.retry.attemptTimeoutMs);
}

/**
 * A failed attempt: counted (an outage reaches the episode before this call may ask
 * `tools/list`), then the one policy decides. Throws the final error on give-up.
 */
async function afterFailure(
  call: Call,
  outcome: Extract<Awaited<ReturnType<typeof runAttempt>>, { ok: false }>,
  settle: (() => void) | undefined,
): Promise<RetryDecision> {
  const last = outcome.failure;
  call.last = last;
  const counted = call.tracker.failed({
    ...last,
    retryAfterMs: parseRetryAfter(outcome.retryAfter, call.ctx.clock.now()),
  });
  let resendable = true;
  if (last.delivery === "maybe" && last.kind !== "rate-limited") {
    // Not a 429: it says nothing of the limit. Let the next waiting call probe (this
    // call's own `tools/list` may be one of them).
    settle?.();
    resendable = await mayResend(call);
  }
  const decision = counted.decide(resendable);
  if (decision.action === "give-up")
    throw givingUp(last, decision.reason, call.context, call.tracker.attempt, decision.code);
  return decision;
}

/** Whether a request that may have reached the server is safe to send again (asking `tools/list` once when that would tell). */
async function mayResend(call: Call): Promise<boolean> {
  const { request, ctx } = call;
  const resendable = () => isResendable(request, ctx.annotations, ctx.resendable);
  if (resendable()) return true;
  const listed = await ctx.annotations.listOnce(request, call.untilDeadline(), (list) =>
    sendWithRetry(list, ctx),
  );
  return listed && resendable();
}

/** Tells `onRetry` and the logger about the wait ahead. */
function reportRetry(call: Call, decision: RetryDecision): void {
  const { ctx, request, tracker } = call;
  const last = call.last!;
  const info: RetryInfo = {
    attempt: tracker.attempt,
    delayMs: decision.delayMs,
    cause: givingUp(last, "retrying", call.context, tracker.attempt),
    status: last.status,
    url: redactUrl(request.url),
    sharedWait: decision.waitOn === "episode",
  };
  ctx.onRetry?.(info);
  const line = {
    kind: "retry",
    method: request.method,
    url: info.url,
    failure: describeFailure(last),
    attempt: tracker.attempt,
    delayMs: decision.delayMs,
  } as const;
  log(ctx.logger, line, call.context.secrets);
}

/**
 * The wait before the next attempt. `"episode"`: it happens at the top of the loop,
 * on the probe, the hold or the 429 gate — unless the episode holds nothing there
 * (closed when its last lease was released, as a fetch nobody references is
 * collected), which must not become a loop with no wait.
 */
async function pause(call: Call, decision: RetryDecision): Promise<void> {
  const { episode, ctx } = call;
  if (decision.waitOn === "episode" && episode && holdsCalls(episode, ctx.clock.now())) return;
  try {
    await sleep(decision.delayMs, { clock: ctx.clock, signal: call.untilDeadline() });
  } catch (error) {
    throw call.overDeadline(error);
  }
}

/** Whether the top of the retry loop waits on `episode`: its probe, its hold or a 429 gate. */
function holdsCalls(episode: EpisodeControl, now: number): boolean {
  return episode.state === "down" || episode.heldUntil > now || episode.rateGates.active;
}
