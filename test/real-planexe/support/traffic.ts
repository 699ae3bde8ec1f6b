/** How one call of the background traffic ended. */
export interface Outcome {
  ok: boolean;
  /** When the call was started (epoch ms). */
  startedAt: number;
  ms: number;
  /** When the call ended (epoch ms). */
  endedAt: number;
  error?: unknown;
}

/** Calls fired at a steady pace, each on its own (a slow one never holds the next back). */
export interface Traffic {
  /** Calls started so far. */
  started(): number;
  /** Stops firing and waits for every call started to end. */
  stop(): Promise<Outcome[]>;
}

/**
 * Fires `call` now and then every `everyMs` until `stop()`: calls are in flight at
 * every moment of a deploy, as a user's would be. `call` rejects (or resolves to an
 * `Error`) to count as failed.
 */
export function startTraffic(call: () => Promise<unknown>, everyMs = 1000): Traffic {
  const calls: Array<Promise<Outcome>> = [];
  const fire = () => {
    const startedAt = Date.now();
    const ended = (ok: boolean, error?: unknown): Outcome => {
      const endedAt = Date.now();
      return {
        ok,
        startedAt,
        ms: endedAt - startedAt,
        endedAt,
        ...(error !== undefined && { error }),
      };
    };
    calls.push(
      call().then(
        (value) => (value instanceof Error ? ended(false, value) : ended(true)),
        (error: unknown) => ended(false, error),
      ),
    );
  };
  fire();
  const timer = setInterval(fire, everyMs);
  return {
    started: () => calls.length,
    stop: () => {
      clearInterval(timer);
      return Promise.all(calls);
    },
  };
}
