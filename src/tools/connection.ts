import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { abortReason } from "../transport/clock.js";
import { MAX_TIMER_MS } from "../transport/duration.js";
import type { FetchFunction } from "../transport/fetch-function.js";
import { type Logger, log } from "../transport/logger.js";
import { raceSignal } from "../transport/signals.js";

/**
 * The MCP SDK's request timeout runs on real timers, outside the injected clock; the
 * retry policy's own deadline governs instead, so this one is set as far out as a
 * timer allows (about 24.8 days).
 */
export const NO_SDK_TIMEOUT = MAX_TIMER_MS;

/** What a {@link LazyConnection} needs. */
export interface ConnectionOptions {
  url: URL;
  fetch: FetchFunction;
  headers: Record<string, string>;
  clientInfo: { name: string; version: string };
  logger?: Logger | undefined;
}

/**
 * One MCP SDK `Client` over `StreamableHTTPClientTransport`, connected on first use.
 * Concurrent first calls share one `initialize`; a failed connect is forgotten so
 * the next call tries again; a caller's abort leaves the shared connect running,
 * `close()` stops it.
 */
export class LazyConnection {
  private connecting: Promise<Client> | undefined;
  private client: Client | undefined;
  /** The client while it connects, so `close()` can abort its `initialize` (else it retries to the deadline). */
  private opening: Client | undefined;
  private closed = false;

  constructor(private readonly options: ConnectionOptions) {}

  /** The connected client. Rejects with `signal.reason` when `signal` aborts first. */
  get(signal: AbortSignal): Promise<Client> {
    if (this.closed) return Promise.reject(closedError());
    if (signal.aborted) return Promise.reject(abortReason(signal));
    // Connected (every call but the first): nothing left to wait for, so nothing to race.
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect();
    return raceSignal(this.connecting, signal);
  }

  /** Closes the transport: in-flight requests abort, later calls reject. */
  async close(): Promise<void> {
    this.closed = true;
    const clients = [this.client, this.opening];
    this.client = undefined;
    this.opening = undefined;
    this.connecting = undefined;
    for (const client of clients) await client?.close().catch(() => {});
  }

  private async connect(): Promise<Client> {
    const { url, fetch, headers, clientInfo, logger } = this.options;
    const client = new Client(clientInfo, { capabilities: {} });
    const transport = new StreamableHTTPClientTransport(url, {
      fetch,
      requestInit: { headers },
    });
    client.onerror = (error) => {
      log(logger, { kind: "mcp-transport-error", name: error.name });
    };
    this.opening = client;
    try {
      await client.connect(transport, { timeout: NO_SDK_TIMEOUT });
    } catch (error) {
      this.connecting = undefined;
      await client.close().catch(() => {});
      throw this.closed ? closedError() : error;
    } finally {
      if (this.opening === client) this.opening = undefined;
    }
    if (this.closed) {
      await client.close().catch(() => {});
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
