// The ground floor: the one retry policy (`decide`), the resilient fetch that applies it to tool
// calls, the shared outage episode, redirects and secret hygiene. Imports nothing above it.
export {
  createOutageEpisode,
  type OutageEpisode,
  type OutageEpisodeOptions,
  type OutageState,
} from "./episode.js";
export type { FetchFunction } from "./fetch-function.js";
export type { Logger } from "./logger.js";
export type { ResendableHook, ResendQuery } from "./resend.js";
export {
  createResilientFetch,
  type ResilientFetch,
  type ResilientFetchOptions,
} from "./resilient-fetch.js";
export type { RetryInfo } from "./retry-loop.js";
