import { ErrorCode } from "../../errors/codes.js";
import type { TransportErrorCode } from "../../errors/transport-error.js";
import type { Failure, FailureKind } from "./failure-kind.js";
import { backoffDelay, type ResolvedRetryOptions } from "./retry-options.js";
import { statusFailureKind } from "./statuses.js";

/** Which loop asks. */
export type Operation = "call" | "stream" | "download";

/** What the asking loop knows about its operation. */
export interface DecisionInput {
  operation: Operation;
  failure: Failure;
  /** May the request be sent again though it may have reached the server? (Streams and downloads: always.) */
  resendable: boolean;
  /** Failed attempts in a row, this one included (from 1). */
  attempt: number;
  /** Time since the operation (a stream: its current outage) began, in ms. */
  elapsedMs: number;
  /** Empty 200 streams in a row, this one included. */
  emptyStreak: number;
  /** The server's last `retry:` hint, in ms (streams). */
  retryHintMs?: number | undefined;
  /**
   * The shared outage episode covering this request, as it stands after the loop
   * reported this failure to it (see {@link isOutage}): when its next probe is due,
   * and until when it holds this request (a `Retry-After` of the server's, a 429 to
   * the request's own API key).
   */
  episode?: { nextProbeAt: number | undefined; rateLimitedUntil: number } | undefined;
  now: number;
  policy: ResolvedRetryOptions;
}

/** Go again after `delayMs`: on the loop's own timer, or by waiting on the shared episode. */
export interface RetryDecision {
  action: "retry";
  delayMs: number;
  /** `episode`: wait on the shared episode (its probe, its 429 gate); `own`: sleep `delayMs`. */
  waitOn: "own" | "episode";
  /**
   * Hold requests until then (epoch ms): after a 429, every call made with the same
   * API key (PlanExe counts per key); after an outage's `Retry-After`, every call to the origin.
   */
  holdUntil?: number | undefined;
}

/** Stop: the loop throws a `TransportError` with this code and reason (and the failure as `cause`). */
interface GiveUpDecision {
  action: "give-up";
  code: TransportErrorCode;
  reason: string;
}

export type Decision = RetryDecision | GiveUpDecision;

/** Attempts at reading one download body whose connection broke or stalled (the GET is safe to repeat). */
export const DOWNLOAD_BODY_ATTEMPTS = 3;

/** The server's `retry:` hint is honoured within this range (ms). */
const RETRY_HINT_RANGE = { min: 100, max: 60_000 } as const;

/** The server's `retry:` value, clamped to a sane range. */
export function clampRetryHint(ms: number): number {
  return Math.min(RETRY_HINT_RANGE.max, Math.max(RETRY_HINT_RANGE.min, ms));
}

/**
 * Whether the failure says "the server is down" to every call and stream of the
 * process (the loop reports it to the shared episode before asking {@link decide}).
 * An empty 200 stream counts the first time only: a repeat, while the server
 * otherwise answers, is its connection limit.
 */
export function isOutage(kind: FailureKind, emptyStreak: number): boolean {
  if (kind === "empty-stream") return emptyStreak <= 1;
  return kind === "network" || kind === "timeout" || kind === "outage-status";
}

/**
 * Whether the failure says "refused for now, come back soon": a 429, or an empty 200
 * stream again (PlanExe's connection limit, which it reports that way). The wait is
 * the 429 wait; a watcher with a client polls `plan_status` meanwhile.
 */
export function isRefusal(kind: FailureKind, emptyStreak: number): boolean {
  return kind === "rate-limited" || (kind === "empty-stream" && emptyStreak > 1);
}

/**
 * What each failure code a loop reports means to the policy: a stream's reconnect
 * cause, the code of a `TransportError` a call gave up with. The one table from codes
 * to kinds (an HTTP status goes through `statusFailureKind`; see {@link failureKindOf}).
 */
const CODE_KINDS = {
  NETWORK_ERROR: "network",
  HTTP_ERROR: "outage-status",
  ATTEMPT_TIMEOUT: "timeout",
  RATE_LIMITED: "rate-limited",
  SSE_CONNECTION_LIMIT: "rate-limited",
  EMPTY_RESPONSE: "empty-stream",
  STREAM_ENDED: "stream-ended",
  SERVER_ERROR: "stream-ended",
  HEARTBEAT_TIMEOUT: "heartbeat-timeout",
  SSE_TIMEOUT: "sse-timeout",
} as const satisfies Record<string, FailureKind>;

/** A failure code the policy knows (every stream reconnect cause is one). */
export type FailureCode = keyof typeof CODE_KINDS;

/**
 * The kind of a failure reported as a code (and the HTTP status it came with): an
 * `HTTP_ERROR` is what its status says (502/504 an outage, 503 unavailable, see
 * `statuses.ts`). `undefined` for a code the policy does not retry.
 */
export function failureKindOf(code: FailureCode, status: number | undefined): FailureKind;
export function failureKindOf(code: string, status: number | undefined): FailureKind | undefined;
export function failureKindOf(code: string, status: number | undefined): FailureKind | undefined {
  if (!Object.hasOwn(CODE_KINDS, code)) return undefined;
  const kind = CODE_KINDS[code as FailureCode];
  if (code !== "HTTP_ERROR" || status === undefined) return kind;
  return statusFailureKind(status) ?? kind;
}

/** The `TransportError` code of a failure the policy gives up on. */
export function failureCode(kind: FailureKind): TransportErrorCode {
  switch (kind) {
    case "timeout":
    case "heartbeat-timeout":
      return ErrorCode.ATTEMPT_TIMEOUT;
    case "outage-status":
    case "unavailable":
      return ErrorCode.HTTP_ERROR;
    case "rate-limited":
      return ErrorCode.RATE_LIMITED;
    default:
      return ErrorCode.NETWORK_ERROR;
  }
}

/**
 * The SDK's one retry policy, as a pure function: given a classified failure and
 * what the loop knows, wait and go again, or give up. Every loop asks it through
 * its operation's tracker (`transport/retry-tracker.ts`, which builds this input) —
 * tool calls (`retry-loop.ts`), progress streams (`sse/stream-loop.ts`), `plan_retry`
 * / `plan_resume` resends (`tools/rerun.ts`) and download re-reads
 * (`tools/download.ts`); they do I/O only. `docs/semantics.md` is this function in words, and a test
 * holds its tables against it.
 */
export function decide(input: DecisionInput): Decision {
  const { failure, policy } = input;
  const giveUp = (reason: string, code = failureCode(failure.kind)): GiveUpDecision => ({
    action: "give-up",
    code,
    reason,
  });

  if (input.operation === "download" && input.attempt >= DOWNLOAD_BODY_ATTEMPTS)
    return giveUp(`the body failed ${input.attempt} times`);

  if (failure.kind === "sse-timeout") return { action: "retry", delayMs: 0, waitOn: "own" };

  if (isRefusal(failure.kind, input.emptyStreak)) {
    const delayMs = rateLimitWait(failure.retryAfterMs, policy);
    if (input.elapsedMs + delayMs > policy.deadlineMs)
      return giveUp(
        `the server asks to wait ${delayMs} ms, beyond the deadline`,
        ErrorCode.RATE_LIMITED,
      );
    // A call's 429 holds the calls made with its key; a stream's connection limit is its own.
    const shared = input.operation === "call" && input.episode !== undefined;
    return shared
      ? { action: "retry", delayMs, waitOn: "episode", holdUntil: input.now + delayMs }
      : { action: "retry", delayMs, waitOn: "own" };
  }

  if (failure.delivery === "maybe" && !input.resendable)
    return giveUp(
      "not sent again: the server may have received it, and repeating it is not known to be safe",
    );

  const hinted =
    failure.retryAfterMs === undefined
      ? undefined
      : Math.min(failure.retryAfterMs, policy.maxRetryAfterMs);
  let decision: RetryDecision;
  // A download body broke after its headers came: the server answered, the episode is not asked.
  const shared = input.operation !== "download" && input.episode;
  if (isOutage(failure.kind, input.emptyStreak) && shared) {
    const { nextProbeAt, rateLimitedUntil } = shared;
    const holdUntil = hinted === undefined ? undefined : input.now + hinted;
    const until = Math.max(nextProbeAt ?? input.now, rateLimitedUntil, holdUntil ?? 0);
    decision = { action: "retry", delayMs: Math.max(0, until - input.now), waitOn: "episode" };
    if (holdUntil !== undefined) decision.holdUntil = holdUntil;
  } else {
    // After the server closed a stream, never sooner than its `retry:` hint.
    const floor = failure.kind === "stream-ended" ? (input.retryHintMs ?? 0) : 0;
    const delayMs = Math.max(backoffDelay(input.attempt, policy), hinted ?? 0, floor);
    decision = { action: "retry", delayMs, waitOn: "own" };
  }
  if (input.elapsedMs + decision.delayMs >= policy.deadlineMs)
    return giveUp(
      `gave up after ${input.attempt} attempt(s) and ${policy.deadlineMs} ms`,
      ErrorCode.DEADLINE_EXCEEDED,
    );
  return decision;
}

/**
 * The wait after a 429: the server's `Retry-After` (capped at `maxRetryAfterMs`);
 * without one (PlanExe sends none) `rateLimitDelayMs` ± 20 % of jitter, the same for
 * every 429 in a row. PlanExe's limit is a sliding window that does not count the
 * requests it refuses: a slot frees as soon as the oldest counted request is 60 s
 * old, and a refused try costs the user nothing, so trying again about once a
 * second gets the call through within about a second of that moment.
 */
function rateLimitWait(retryAfterMs: number | undefined, policy: ResolvedRetryOptions): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const jittered = policy.rateLimitDelayMs * (0.8 + 0.4 * policy.random());
  return Math.min(Math.round(jittered), policy.maxRetryAfterMs);
}
