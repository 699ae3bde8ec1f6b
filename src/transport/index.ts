export {
  classifyNetworkError,
  type Delivery,
  isOutageStatus,
  mimeEssence,
  statusDelivery,
  type TransientFailure,
} from "./classify.js";
export { abortReason, type Clock, sleep, systemClock, timeoutSignal } from "./clock.js";
export {
  createOutageEpisode,
  type OutageEpisode,
  type OutageEpisodeOptions,
  type OutageState,
} from "./episode.js";
export {
  backoffDelay,
  DEFAULT_RETRY,
  isTransientStatus,
  parseRetryAfter,
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
} from "./policy.js";
export { type FetchFunction, isSameOrigin } from "./redirect.js";
export type { ResendableHook, ResendQuery } from "./resend.js";
export {
  createResilientFetch,
  type ResilientFetch,
  type ResilientFetchOptions,
} from "./resilient-fetch.js";
export { outageRetryAfter, rateLimitDelay } from "./retry-after.js";
export type { RetryInfo, TransportLogger } from "./retry-loop.js";
export { anySignal, raceSignal } from "./signals.js";
