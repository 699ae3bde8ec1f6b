import { abortReason } from "../time/clock.js";
import { raceSignal } from "../time/signals.js";
import { type Logger, log } from "../transport/logger.js";
import { McpHttpClient, type McpHttpOptions } from "./mcp-http.js";

/** What a {@link LazyConnection} needs. */
export interface ConnectionOptions extends McpHttpOptions {
  logger?: Logger | undefined;
}

/**
 * One {@link McpHttpClient} (MCP over Streamable HTTP), connected on first use.
 * Concurrent first calls share one `initialize`; a failed connect is forgotten so
 * the next call tries again; a caller's abort leaves the shared connect running,
 * `close()` stops it.
 */
export class LazyConnection {
  private connecting: Promise<McpHttpClient> | undefined;
  private client: McpHttpClient | undefined;
  /** The client while it connects, so `close()` can abort its `initialize` (else it retries to the deadline). */
  private opening: McpHttpClient | undefined;
  private closed = false;

  constructor(private readonly options: ConnectionOptions) {}

  /** The connected client. Rejects with `signal.reason` when `signal` aborts first. */
  get(signal: AbortSignal): Promise<McpHttpClient> {
    if (this.closed) return Promise.reject(closedError());
    if (signal.aborted) return Promise.reject(abortReason(signal));
    // Connected (every call but the first): nothing left to wait for, so nothing to race.
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect();
    return raceSignal(this.connecting, signal);
  }

  /** Closes the connection: in-flight requests abort, later calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    const clients = [this.client, this.opening];
    this.client = undefined;
    this.opening = undefined;
    this.connecting = undefined;
    for (const client of clients) client?.close(closedError());
  }

  private async connect(): Promise<McpHttpClient> {
    const { logger, ...options } = this.options;
    const client = new McpHttpClient(options);
    this.opening = client;
    try {
      await client.connect();
    } catch (error) {
      this.connecting = undefined;
      client.close(closedError());
      throw this.closed ? closedError() : error;
    } finally {
      if (this.opening === client) this.opening = undefined;
    }
    if (this.closed) {
      client.close(closedError());
      throw closedError();
    }
    this.client = client;
    log(logger, { kind: "connected" });
    return client;
  }
}

/** What calls on a closed client reject with, like an aborted signal. */
export function closedError(): DOMException {
  return new DOMException("The PlanExeClient was closed", "AbortError");
}
