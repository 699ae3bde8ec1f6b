/** A `fetch` with the standard signature: the one type for every fetch the SDK takes or wraps. */
export type FetchFunction = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<Response>;
