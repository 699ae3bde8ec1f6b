import type { PlanExeError } from "../errors/index.js";
import type { PlanState } from "../protocol/index.js";

/**
 * A new snapshot of the plan (`event: status`), with the server's own fields. Each
 * distinct snapshot is delivered once, in order. `state` and `progress_percentage`
 * are always there (the watcher needs them); the other fields are as the server
 * sent them, absent when it left one out (an event is never skipped for that).
 */
export interface PlanStatusEvent {
  type: "status";
  state: PlanState;
  /** 0–100, monotonic within a run. */
  progress_percentage: number;
  plan_id?: string;
  elapsed_sec?: number;
  /** Fields the server added beyond the contract, kept as sent. */
  [field: string]: unknown;
}

/**
 * The plan reached a final state (`event: complete`). Delivered exactly once; the
 * watch ends after it. Only `state` is required: a `complete` that lacks an
 * informational field still ends the watch.
 */
export interface PlanCompleteEvent {
  type: "complete";
  state: PlanState;
  plan_id?: string;
  progress_percentage?: number;
  elapsed_sec?: number;
  /** Set when the plan failed (dropped when the server sends it in another shape). */
  error?: { code: string; message: string; [field: string]: unknown };
  [field: string]: unknown;
}

/**
 * The server is alive but had nothing new for a while (`event: heartbeat`, every
 * 20 s on PlanExe). Passed through as received, never deduplicated, and carries no
 * id; ignore it unless you show liveness.
 */
export interface PlanHeartbeatEvent {
  type: "heartbeat";
  timestamp?: string;
  [field: string]: unknown;
}

/** A connection to the stream started delivering bytes. */
export interface PlanConnectedEvent {
  type: "connected";
  /** 0 for the first connection, else the number of the reconnect attempt that got through. */
  attempt: number;
}

/**
 * Why the watcher is about to reconnect. `SSE_CONNECTION_LIMIT` and `RATE_LIMITED`:
 * the server refused the stream for now (PlanExe's connection limit — a 429, or today
 * a 200 with an empty body, again); it is tried again in about a second.
 */
export type ReconnectCode =
  | "NETWORK_ERROR"
  | "HTTP_ERROR"
  | "RATE_LIMITED"
  | "EMPTY_RESPONSE"
  | "STREAM_ENDED"
  | "ATTEMPT_TIMEOUT"
  | "HEARTBEAT_TIMEOUT"
  | "SSE_TIMEOUT"
  | "SSE_CONNECTION_LIMIT"
  | "SERVER_ERROR";

/** What ended the last connection. Safe to show and log: no URL, plan id or key. */
export interface ReconnectCause {
  code: ReconnectCode;
  message: string;
  /** The HTTP status, when the server answered with an error status. */
  status?: number;
}

/** The stream dropped; the watcher waits `delayMs`, then connects again. */
export interface PlanReconnectingEvent {
  type: "reconnecting";
  /** 1 for the first reconnect after a healthy connection, then 2, 3, … while the outage lasts. */
  attempt: number;
  /** The expected wait, in ms: while the server is down, until the shared episode's next probe. */
  delayMs: number;
  /**
   * True when the watcher waits on the process's shared outage episode: it connects
   * as soon as a probe sees the server answer, however long that takes, rather than
   * after a fixed `delayMs`.
   */
  sharedWait: boolean;
  cause: ReconnectCause;
}

/** Everything a {@link PlanWatch} yields. */
export type PlanWatchEvent =
  | PlanStatusEvent
  | PlanCompleteEvent
  | PlanHeartbeatEvent
  | PlanConnectedEvent
  | PlanReconnectingEvent;

/** Why a watch ended. `closed` resolves with it and never rejects. */
export type PlanWatchEnd =
  | { reason: "complete"; event: PlanCompleteEvent }
  /** The caller's signal aborted (`error` is its reason) or `close()` / `break` ended the watch (no `error`). */
  | { reason: "aborted"; error?: unknown }
  | { reason: "error"; error: PlanExeError };

/** Something odd in the stream that the watcher skipped; the stream goes on. */
export interface PlanWatchWarning {
  code:
    | "INVALID_JSON"
    | "INVALID_EVENT"
    | "UNKNOWN_EVENT"
    | "INVALID_FIELD"
    | "SLOW_CONSUMER"
    /** `client.watch` gave up on the stream (missing route, wrong answers) and polls `plan_status` instead. */
    | "POLLING_FALLBACK";
  message: string;
}

/** `client.watch` with `autoResume`: the plan failed recoverably and was resumed with `plan_resume`; watching goes on. */
export interface PlanResumedEvent {
  type: "resumed";
  /** 1 for the first automatic resume, then 2, … up to `maxResumes`. */
  attempt: number;
  /** The `complete` event of the failed run. */
  failed: PlanCompleteEvent;
}

/** What `PlanExeClient.watch` yields: the events of {@link PlanWatchEvent}, plus `resumed`. */
export type PlanClientWatchEvent = PlanWatchEvent | PlanResumedEvent;
