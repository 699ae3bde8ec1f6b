import {
  type FaultKind,
  type LoggedRequest,
  matchesRequest,
  type RequestQuery,
} from "./request-log.js";

/** A scripted network fault for the next matching request(s). */
export interface FailNextOptions extends RequestMatch {
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

/** Which requests a scripted fault or answer applies to: every given field must match. */
export type RequestMatch = Pick<RequestQuery, "method" | "path" | "tool" | "rpcMethod">;

/**
 * An answer the edge gives the next matching request(s) instead of a replica: the
 * way to make the double say exactly what PlanExe says in a case it does not stage
 * (a contract fixture). The replicas never see the request.
 */
export interface AnswerNextOptions extends RequestMatch {
  /** The answer, given the request and its JSON-RPC `id` (echo it in a JSON-RPC reply). */
  respond: (call: { request: Request; id: unknown }) => Response | Promise<Response>;
  /** How many matching requests get it. @default 1 */
  times?: number;
}

/** Armed answers, consumed by matching requests in arrival order. */
export class AnswerQueue {
  #armed: { options: AnswerNextOptions; remaining: number }[] = [];

  arm(options: AnswerNextOptions): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new TypeError(`answerNext: times must be a positive integer, got ${String(times)}`);
    if (typeof options.respond !== "function")
      throw new TypeError("answerNext: respond must be a function returning a Response");
    this.#armed.push({ options, remaining: times });
  }

  /** The answer for this request, if one is armed for it (and counts it down). */
  take(target: LoggedRequest): AnswerNextOptions["respond"] | undefined {
    const armed = this.#armed.find(({ options }) => matchesRequest(target, options));
    if (!armed) return undefined;
    armed.remaining--;
    if (armed.remaining === 0) this.#armed.splice(this.#armed.indexOf(armed), 1);
    return armed.options.respond;
  }

  clear(): void {
    this.#armed = [];
  }
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
  take(target: LoggedRequest): FaultKind | undefined {
    const fault = this.#armed.find(({ options }) => matchesRequest(target, options));
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
