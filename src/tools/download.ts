import { AuthError, ErrorCode, ProtocolError, TransportError } from "../errors/index.js";
import { redactUrl } from "../errors/redact.js";
import { type Clock, timeoutSignal } from "../transport/clock.js";
import type { FetchFunction } from "../transport/fetch-function.js";
import { readAll } from "../transport/read-all.js";
import type { Artifact, FileReady, PlanFileInfoOutput } from "./schemas/plan-file-info.js";

/** A downloaded artifact whose bytes matched the server's `sha256`. */
export interface DownloadedArtifact {
  artifact: Artifact;
  /** The body, verified against `sha256` and `download_size`. */
  bytes: Uint8Array;
  content_type: string;
  sha256: string;
  download_size: number;
}

/** What {@link downloadArtifact} needs from its client. */
export interface DownloadContext {
  fetch: FetchFunction;
  clock: Clock;
  baseUrl: URL;
  /** A body with no byte for this long is given up on and fetched again (the policy's `attemptTimeoutMs`). */
  idleTimeoutMs: number;
  fileInfo(signal: AbortSignal | undefined): Promise<PlanFileInfoOutput>;
}

/** Attempts at reading a body whose connection broke midway (the GET is safe to repeat). */
const BODY_ATTEMPTS = 3;

/**
 * Asks `plan_file_info`, fetches `download_url`, checks SHA-256 (WebCrypto) and size.
 * An expired URL (by `expires_at`, or answered 401) is refreshed with one more
 * `plan_file_info`. Not ready → `ProtocolError` `NOT_READY` (the server's reason in
 * `details.reason`); a mismatch → `CHECKSUM_MISMATCH`. URLs in errors are redacted.
 */
export async function downloadArtifact(
  context: DownloadContext,
  artifact: Artifact,
  signal: AbortSignal | undefined,
): Promise<DownloadedArtifact> {
  let info = requireReady(await context.fileInfo(signal), artifact);
  let refreshed = false;
  if (isExpired(info, context.clock.now())) {
    info = requireReady(await context.fileInfo(signal), artifact);
    refreshed = true;
  }
  for (let attempt = 1; ; attempt++) {
    const url = downloadUrl(info, context.baseUrl, artifact);
    const response = await context.fetch(url, signal ? { signal } : {});
    if (response.status === 401 && !refreshed) {
      await response.body?.cancel().catch(() => {});
      info = requireReady(await context.fileInfo(signal), artifact);
      refreshed = true;
      continue;
    }
    if (!response.ok) throw await httpFailure(response, url, attempt);
    let bytes: Uint8Array;
    try {
      bytes = await readBody(response, context.clock, context.idleTimeoutMs, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      const stalled = error instanceof DOMException && error.name === "TimeoutError";
      if (!stalled && !(error instanceof TypeError)) throw error;
      if (attempt < BODY_ATTEMPTS) continue;
      throw stalled
        ? new TransportError(
            ErrorCode.ATTEMPT_TIMEOUT,
            `GET ${redactUrl(url)}: no byte of the body for ${context.idleTimeoutMs} ms, ${attempt} times`,
            { cause: error, attempts: attempt },
          )
        : new TransportError(
            ErrorCode.NETWORK_ERROR,
            `GET ${redactUrl(url)}: the connection broke while the body was read, ${attempt} times`,
            { cause: error, attempts: attempt },
          );
    }
    await verify(bytes, info, artifact);
    return {
      artifact,
      bytes,
      content_type: response.headers.get("content-type") ?? info.content_type,
      sha256: info.sha256.toLowerCase(),
      download_size: info.download_size,
    };
  }
}

/**
 * The whole body; rejects with a `TimeoutError` when no byte comes for `idleMs`
 * (a half-open connection would otherwise hold the download forever).
 */
async function readBody(
  response: Response,
  clock: Clock,
  idleMs: number,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  return readAll(response.body, () => timeoutSignal(idleMs, { clock, parent: signal }));
}

function requireReady(info: PlanFileInfoOutput, artifact: Artifact): FileReady {
  if (info.ready === false) {
    throw new ProtocolError(
      ErrorCode.NOT_READY,
      `The ${artifact} is not ready yet: ${info.reason}`,
      {
        tool: "plan_file_info",
        details: { reason: info.reason },
      },
    );
  }
  return info;
}

function isExpired(info: FileReady, now: number): boolean {
  if (info.expires_at === undefined) return false;
  const expires = Date.parse(info.expires_at);
  return !Number.isNaN(expires) && expires <= now;
}

function downloadUrl(info: FileReady, baseUrl: URL, artifact: Artifact): string {
  if (info.download_url === undefined) {
    throw new ProtocolError(
      ErrorCode.NOT_READY,
      `plan_file_info reported the ${artifact} ready but gave no download_url`,
      { tool: "plan_file_info" },
    );
  }
  return new URL(info.download_url, baseUrl).toString();
}

async function httpFailure(response: Response, url: string, attempts: number) {
  await response.body?.cancel().catch(() => {});
  const where = `GET ${redactUrl(url)}`;
  if (response.status === 401 || response.status === 403) {
    return new AuthError(
      `${where}: the download link was refused (HTTP ${response.status}) even after refreshing it`,
      {
        status: response.status,
        attempts,
      },
    );
  }
  if (response.status === 404) {
    return new ProtocolError(ErrorCode.NOT_READY, `${where}: the file is missing (HTTP 404)`, {
      status: 404,
      attempts,
    });
  }
  return new TransportError(ErrorCode.HTTP_ERROR, `${where}: HTTP ${response.status}`, {
    status: response.status,
    attempts,
  });
}

async function verify(bytes: Uint8Array, info: FileReady, artifact: Artifact): Promise<void> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  if (hex === info.sha256.toLowerCase() && bytes.byteLength === info.download_size) return;
  throw new ProtocolError(
    ErrorCode.CHECKSUM_MISMATCH,
    `The downloaded ${artifact} does not match plan_file_info (sha256 ${hex === info.sha256.toLowerCase() ? "matches" : "differs"}, ${bytes.byteLength} of ${info.download_size} bytes)`,
    { details: { expectedSha256: info.sha256, actualSha256: hex, size: bytes.byteLength } },
  );
}
