// The ground floor: the resilient fetch, the one retry policy (policy/), the shared outage
// episode (episode/), one HTTP exchange (http/) and what it knows of MCP (mcp/). See README.md.
export {
  createOutageEpisode,
  type OutageEpisode,
  type OutageEpisodeOptions,
  type OutageState,
} from "./episode/episode.js";
export type { FetchFunction } from "./http/fetch-function.js";
export type { Logger } from "./logger.js";
export type { ResendableHook, ResendQuery } from "./policy/resend.js";
export {
  createResilientFetch,
  type ResilientFetch,
  type ResilientFetchOptions,
} from "./resilient-fetch.js";
export type { RetryInfo } from "./retry-loop.js";
