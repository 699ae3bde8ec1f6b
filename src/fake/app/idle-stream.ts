/**
 * `GET /mcp` as PlanExe answers it: the MCP SDK's standalone SSE stream for server
 * notifications, which a stateless PlanExe never uses. 200 `text/event-stream` and not
 * one byte, open until the client goes away or the replica stops (then cut).
 */
export interface IdleStreams {
  open(request: Request): Response;
  /** Cuts every open stream, as a stopping server does. */
  cutAll(): void;
}

export function createIdleStreams(): IdleStreams {
  const open = new Set<(reason?: unknown) => void>();
  return {
    open(request) {
      let end!: (reason?: unknown) => void;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          end = (reason) => {
            if (!open.delete(end)) return;
            request.signal.removeEventListener("abort", onAbort);
            try {
              if (reason === undefined) controller.close();
              else controller.error(reason);
            } catch {
              // Already cancelled by the reader.
            }
          };
        },
        cancel() {
          end();
        },
      });
      const onAbort = () => end();
      open.add(end);
      if (request.signal.aborted) end();
      else request.signal.addEventListener("abort", onAbort, { once: true });
      return new Response(body, {
        status: 200,
        headers: {
          "content-type": "text/event-stream",
          "cache-control": "no-cache, no-transform",
          connection: "keep-alive",
        },
      });
    },
    cutAll() {
      for (const end of [...open]) end(new TypeError("terminated: the server went away"));
    },
  };
}
