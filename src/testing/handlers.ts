import { type HttpHandler, http } from "msw";

/**
 * msw handlers that send every request under `origin` to `handle` (the double's
 * edge). Paths PlanExe does not serve get FastAPI's 404 from there.
 */
export function createMswHandlers(
  origin: string,
  handle: (request: Request) => Promise<Response>,
): HttpHandler[] {
  const resolver = ({ request }: { request: Request }) => handle(request);
  return [http.all(`${origin}/`, resolver), http.all(`${origin}/*`, resolver)];
}
