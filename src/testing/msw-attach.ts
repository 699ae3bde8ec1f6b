/** The part of an msw `setupServer()` / `setupWorker()` that {@link attachToMsw} needs. */
export interface MswLifeCycle {
  events: {
    on(
      event: "response:mocked",
      listener: (args: { response: Response; request: Request }) => void,
    ): void;
    removeListener(
      event: "response:mocked",
      listener: (args: { response: Response; request: Request }) => void,
    ): void;
  };
}

/**
 * msw hands each mocked response to its `response:mocked` listeners as a clone
 * (a `tee()` of the body) that nobody reads. While that branch lives, a client's
 * `response.body.cancel()` never settles and the double never learns the client
 * left (mswjs/interceptors#712). Cancelling the unread clone of our own responses
 * lets a cancel reach the double's progress stream, as a closed socket would.
 */
export function attachToMsw(server: MswLifeCycle, origin: string): () => void {
  const listener = ({ response, request }: { response: Response; request: Request }) => {
    if (new URL(request.url).origin !== origin || response.bodyUsed) return;
    response.body?.cancel().catch(() => {});
  };
  server.events.on("response:mocked", listener);
  return () => server.events.removeListener("response:mocked", listener);
}
