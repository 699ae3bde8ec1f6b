/** What a scripted fault did to a request (see `failNext`). */
export type FaultKind = "reset-before" | "response-lost" | "stall-body";

/** One request the double saw, in arrival order. */
export interface LoggedRequest {
  readonly method: string;
  /** The URL path, plan ids included (this is a test log, not a production one). */
  readonly path: string;
  /** The query string with its `?`, or `""`. */
  readonly search: string;
  /** Clock time when the request arrived. */
  readonly at: number;
  /** The HTTP status the client got; `0` for a network error; `undefined` while in flight. */
  readonly status: number | undefined;
  /** The replica that answered (1, 2, …); `null` when the edge answered (502) or the request never reached one. */
  readonly replica: number | null;
  /** The JSON-RPC method of a `POST /mcp` (e.g. `tools/call`). */
  readonly rpcMethod: string | undefined;
  /** The tool of a `tools/call` or `POST /mcp/tools/call`. */
  readonly tool: string | undefined;
  /** The deploy window open when the request arrived. */
  readonly deploy: "restart" | "rolling" | undefined;
  /** The scripted fault applied to this request. */
  readonly fault: FaultKind | undefined;
}

/** Which requests to count; every field given must match. */
export interface RequestQuery {
  method?: string;
  /** Exact path, or a pattern tested against the path. */
  path?: string | RegExp;
  tool?: string;
  rpcMethod?: string;
  status?: number;
  replica?: number | null;
  /** Only requests that arrived at or after this clock time. */
  since?: number;
  /** Only requests that arrived before this clock time. */
  until?: number;
}

/** The double's request log, for assertions like "at most one probe per probe interval". */
export interface RequestLog extends Iterable<LoggedRequest> {
  /** Every request seen, in arrival order. */
  readonly entries: readonly LoggedRequest[];
  /** How many requests match `query` (all when omitted). */
  count(query?: RequestQuery): number;
  /** The requests that match `query`, in arrival order. */
  filter(query?: RequestQuery): LoggedRequest[];
  /** Forgets every request seen so far. */
  clear(): void;
}

export type MutableLoggedRequest = { -readonly [K in keyof LoggedRequest]: LoggedRequest[K] };

/** Whether `entry` matches `query` (every field given must match): the request log's, `failNext`'s and `answerNext`'s one matcher. */
export function matchesRequest(entry: LoggedRequest, query: RequestQuery): boolean {
  if (query.method !== undefined && entry.method !== query.method.toUpperCase()) return false;
  if (typeof query.path === "string" && entry.path !== query.path) return false;
  if (query.path instanceof RegExp && !query.path.test(entry.path)) return false;
  if (query.tool !== undefined && entry.tool !== query.tool) return false;
  if (query.rpcMethod !== undefined && entry.rpcMethod !== query.rpcMethod) return false;
  if (query.status !== undefined && entry.status !== query.status) return false;
  if (query.replica !== undefined && entry.replica !== query.replica) return false;
  if (query.since !== undefined && entry.at < query.since) return false;
  if (query.until !== undefined && entry.at >= query.until) return false;
  return true;
}

/** A log the edge appends to; entries are finished in place when the answer is known. */
export function createRequestLog(): RequestLog & { add(entry: MutableLoggedRequest): void } {
  let entries: MutableLoggedRequest[] = [];
  return {
    get entries() {
      return entries;
    },
    add(entry) {
      entries.push(entry);
    },
    count(query = {}) {
      return entries.reduce((n, entry) => (matchesRequest(entry, query) ? n + 1 : n), 0);
    },
    filter(query = {}) {
      return entries.filter((entry) => matchesRequest(entry, query));
    },
    clear() {
      entries = [];
    },
    [Symbol.iterator]() {
      return entries[Symbol.iterator]();
    },
  };
}
