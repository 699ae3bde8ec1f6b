/**
 * A response with the same status, headers and URL over a new body (already decoded,
 * so without `content-encoding` and `content-length`).
 */
export function rebuildResponse(response: Response, body: BodyInit | null): Response {
  const headers = new Headers(response.headers);
  headers.delete("content-encoding");
  headers.delete("content-length");
  const rebuilt = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
  if (response.url) Object.defineProperty(rebuilt, "url", { value: response.url });
  return rebuilt;
}
