/**
 * A response with the same status, headers and URL over a new body (already
 * decoded, so without `content-encoding`). `sameBytes`: the body is the response's
 * own decoded bytes, so without an encoding its headers hold as they are (no copy,
 * on the hot path of every JSON answer); otherwise `content-length` goes too.
 */
export function rebuildResponse(
  response: Response,
  body: BodyInit | null,
  sameBytes = false,
): Response {
  let headers = response.headers;
  if (!sameBytes || headers.has("content-encoding")) {
    headers = new Headers(headers);
    headers.delete("content-encoding");
    headers.delete("content-length");
  }
  const rebuilt = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
  if (response.url) Object.defineProperty(rebuilt, "url", { value: response.url });
  return rebuilt;
}
