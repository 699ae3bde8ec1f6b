import type { FaultKind } from "./request-log.js";

/** A scripted network fault for the next matching request(s). */
export interface FailNextOptions {
  /** Match only this method. @default any */
  method?: string;
  /** Match this exact path or pattern. @default any */
  path?: string | RegExp;
  /** Match only a `tools/call` of this tool (MCP or REST). @default any */
  tool?: string;
  /**
   * `"reset-before"`: the connection resets before the server sees the request.
   * `"response-lost"`: the server handles the request (a plan may be created), then the
   * client gets a network error instead of the response.
   * `"stall-body"`: the server handles the request, the headers and half the body
   * arrive, then nothing more (a half-open connection) until the client gives up on it.
   */
  after: FaultKind;
  /** How many matching requests fail. @default 1 */
  times?: number;
}

const FAULT_KINDS: readonly FaultKind[] = ["reset-before", "response-lost", "stall-body"];

interface ArmedFault {
  options: FailNextOptions;
  remaining: number;
}

/** What a fault matcher needs to know about a request. */
export interface FaultTarget {
  method: string;
  path: string;
  tool: string | undefined;
}

/** Armed faults, consumed by matching requests in arrival order. */
export class FaultQueue {
  #armed: ArmedFault[] = [];

  arm(options: FailNextOptions): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new TypeError(`failNext: times must be a positive integer, got ${String(times)}`);
    if (!FAULT_KINDS.includes(options.after))
      throw new TypeError(
        `failNext: after must be "reset-before", "response-lost" or "stall-body", got ${String(options.after)}`,
      );
    this.#armed.push({ options, remaining: times });
  }

  /** The fault for this request, if one is armed for it (and counts it down). */
  take(target: FaultTarget): FaultKind | undefined {
    const fault = this.#armed.find(({ options }) => {
      if (options.method !== undefined && options.method.toUpperCase() !== target.method)
        return false;
      if (typeof options.path === "string" && options.path !== target.path) return false;
      if (options.path instanceof RegExp && !options.path.test(target.path)) return false;
      if (options.tool !== undefined && options.tool !== target.tool) return false;
      return true;
    });
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining === 0) this.#armed.splice(this.#armed.indexOf(fault), 1);
    return fault.options.after;
  }

  /** How many faults are still armed. */
  get pending(): number {
    return this.#armed.reduce((n, fault) => n + fault.remaining, 0);
  }

  clear(): void {
    this.#armed = [];
  }
}
