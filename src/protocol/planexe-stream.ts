/**
 * PlanExe's progress stream as the live server runs it (`mcp_cloud`'s SSE handler; see
 * the contract's stream section): the `retry:` it writes first, how often it polls its
 * database, the silence after which it sends a heartbeat, how long before it ends a
 * stream (`SSE_TIMEOUT`), and its stream limits. The server half defaults to these, and
 * `doctor --contract` checks a server against them.
 */
export const PLANEXE_STREAM = {
  /** The `retry: 5000` block every stream opens with. */
  retryMs: 5000,
  /** It reads the plan from its database every 3 s. */
  pollIntervalMs: 3000,
  /** A `heartbeat` once 20 s passed without an event (checked at poll ticks). */
  heartbeatMs: 20_000,
  /** Every stream ends with `event: error` `SSE_TIMEOUT` after an hour. */
  timeoutMs: 3_600_000,
  /** Streams per client address. */
  maxStreamsPerClient: 5,
  /** Streams in all. */
  maxStreams: 200,
} as const;
