/** Counts open streams per client and in all, as PlanExe's connection limit does. */
export interface ConnectionLimiter {
  /** Takes a slot for `clientKey`: a `release` function (safe to call twice), or the reason it is refused. */
  acquire(clientKey: string): { release: () => void } | { refused: string };
  /** Streams holding a slot now. */
  readonly open: number;
}

/** A limiter of `maxStreamsPerClient` per key and `maxStreams` in all; refusals carry today's messages. */
export function createConnectionLimiter(limits: {
  maxStreamsPerClient: number;
  maxStreams: number;
}): ConnectionLimiter {
  const perClient = new Map<string, number>();
  let open = 0;
  return {
    get open() {
      return open;
    },
    acquire(clientKey) {
      if (open >= limits.maxStreams) {
        return { refused: `Server-wide SSE connection limit (${limits.maxStreams}) reached` };
      }
      const held = perClient.get(clientKey) ?? 0;
      if (held >= limits.maxStreamsPerClient) {
        return {
          refused: `Per-client SSE connection limit (${limits.maxStreamsPerClient}) reached`,
        };
      }
      perClient.set(clientKey, held + 1);
      open += 1;
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          open -= 1;
          const left = (perClient.get(clientKey) ?? 1) - 1;
          if (left <= 0) perClient.delete(clientKey);
          else perClient.set(clientKey, left);
        },
      };
    },
  };
}
