import { isNullBodyStatus } from "../policy/classify.js";

const decoder = new TextDecoder();

/**
 * A `Response` over a body already read into memory (decoded, so without
 * `content-encoding`), with the status, headers and URL of the response it was read
 * from. `text()`, `json()`, `arrayBuffer()`, `bytes()` and `blob()` are served from
 * the bytes directly: no stream is built for an answer the MCP SDK only parses (a
 * `ReadableStream` is the costliest part of a `Response` in Node). `body` is built on
 * first use, and from then on every read goes through it, so `bodyUsed`, `clone()`
 * and a second read behave as on any `Response`.
 */
export class BufferedResponse extends Response {
  readonly #bytes: Uint8Array<ArrayBuffer>;
  readonly #url: string;
  #used = false;
  /** The stream-backed response, once `body` (or `formData()`) was asked for. */
  #streamed: Response | undefined;

  /**
   * @param from the response whose body `bytes` was read from
   * @param sameBytes `bytes` is `from`'s own decoded body, so its `content-length` (when it has no `content-encoding`) still holds
   */
  constructor(from: Response, bytes: Uint8Array<ArrayBuffer>, sameBytes: boolean) {
    let headers = from.headers;
    if (!sameBytes || headers.has("content-encoding")) {
      headers = new Headers(headers);
      headers.delete("content-encoding");
      headers.delete("content-length");
    }
    super(null, { status: from.status, statusText: from.statusText, headers });
    this.#bytes = bytes;
    this.#url = from.url;
  }

  override get url(): string {
    return this.#url;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.#stream().body;
  }

  override get bodyUsed(): boolean {
    return this.#streamed ? this.#streamed.bodyUsed : this.#used;
  }

  override async text(): Promise<string> {
    if (this.#streamed) return this.#streamed.text();
    return decoder.decode(this.#take());
  }

  override async json(): Promise<unknown> {
    if (this.#streamed) return this.#streamed.json();
    return JSON.parse(decoder.decode(this.#take()));
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#streamed) return this.#streamed.arrayBuffer();
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  override async blob(): Promise<Blob> {
    // Through the stream: the blob's type is the content type as `fetch` normalizes it.
    return this.#stream().blob();
  }

  override async formData(): Promise<FormData> {
    return this.#stream().formData();
  }

  override clone(): Response {
    if (this.#streamed) {
      const copy = this.#streamed.clone();
      if (this.#url) Object.defineProperty(copy, "url", { value: this.#url });
      return copy;
    }
    if (this.#used) throw new TypeError("Response.clone: Body has already been consumed.");
    return new BufferedResponse(this, this.#bytes, true);
  }

  /** The bytes, once: a second read rejects as on any `Response`. */
  #take(): Uint8Array<ArrayBuffer> {
    if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    return this.#bytes;
  }

  /** The stream-backed response; when the bytes were already taken, its body is read (locked and used) too. */
  #stream(): Response {
    if (!this.#streamed) {
      const init = { status: this.status, statusText: this.statusText, headers: this.headers };
      this.#streamed = this.#used
        ? usedResponse(init)
        : new Response(isNullBodyStatus(this.status) ? null : this.#bytes, init);
    }
    return this.#streamed;
  }
}

/** A response whose body was already read: locked and used, as after `json()`. */
function usedResponse(init: ResponseInit & { status: number }): Response {
  const response = new Response(isNullBodyStatus(init.status) ? null : new Uint8Array(0), init);
  void response.arrayBuffer();
  return response;
}
