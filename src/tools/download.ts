import {
  AuthError,
  ErrorCode,
  isPlanExeError,
  ProtocolError,
  ToolError,
  TransportError,
} from "../errors/index.js";
import { redactUrl } from "../errors/redact.js";
import { type Clock, sleep, timeoutSignal } from "../time/clock.js";
import { forEachChunk } from "../transport/http/each-chunk.js";
import type { FetchFunction } from "../transport/http/fetch-function.js";
import { unfetchableReason } from "../transport/http/origin.js";
import type { ResolvedRetryOptions } from "../transport/policy/retry-options.js";
import { type RetryTracker, trackRetries } from "../transport/retry-tracker.js";
import type { DownloadAttempt, DownloadTarget } from "./download-target.js";
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

/** An artifact written to a {@link DownloadTarget}: what the server announced, and what the target's `commit` returned. */
export type SavedArtifact<R> = Omit<DownloadedArtifact, "bytes"> & { result: R };

/** What {@link downloadArtifact} needs from its client. */
export interface DownloadContext {
  fetch: FetchFunction;
  clock: Clock;
  baseUrl: URL;
  /** The one retry policy: a body with no byte for its `attemptTimeoutMs` is given up on, and `decide` says whether to fetch it again. */
  retry: ResolvedRetryOptions;
  /** An artifact announced larger than this is refused before any byte is read (`TOO_LARGE`). */
  maxBytes: number;
  /** `plan_file_info`, its in-result failures already typed (`generation_failed`, `content_unavailable`). */
  fileInfo(signal: AbortSignal | undefined): Promise<PlanFileInfoOutput>;
}

/**
 * Asks `plan_file_info`, fetches `download_url` (http/https only, no credentials:
 * its token is in the URL) and streams the body into `target`, cut at the announced
 * `download_size` (`TOO_LARGE`) and checked against it and `sha256`
 * (`CHECKSUM_MISMATCH`); memory is the target's business. An expired URL (by
 * `expires_at`, or answered 401) is refreshed with one more `plan_file_info`; a
 * body that stalls or breaks is fetched again. Not ready → `NOT_READY` (the
 * server's reason in `details.reason`); a failed plan's report → `generation_failed`
 * at once; `content_unavailable` is asked again within the retry deadline. URLs in
 * errors are redacted.
 */
export async function downloadArtifact<R>(
  context: DownloadContext,
  artifact: Artifact,
  signal: AbortSignal | undefined,
  target: DownloadTarget<R>,
): Promise<SavedArtifact<R>> {
  const ask = async () =>
    requireReady(await askUntilAvailable(context, signal), artifact, context.maxBytes);
  let info = await ask();
  let refreshed = false;
  if (isExpired(info, context.clock.now())) {
    info = await ask();
    refreshed = true;
  }
  // The body's failures: the GET is safe to repeat, and no episode is asked (the server answered its headers).
  const body = retriesOf(context, "download");
  for (let sent = 1; ; sent++) {
    const url = downloadUrl(info, context.baseUrl, artifact);
    const response = await context.fetch(url, signal ? { signal } : {});
    // Decision: an expired link is refreshed once.
    if (response.status === 401 && !refreshed) {
      await response.body?.cancel().catch(() => {});
      info = await ask();
      refreshed = true;
      continue;
    }
    await acceptHeaders(response, url, sent, info, artifact);
    const sink = await openTarget(target, response, info, artifact);
    try {
      return await save(response, sink, info, artifact, context, signal);
    } catch (error) {
      await sink.discard();
      await retryBody(error, body, url, context, signal);
    }
  }
}

/** Refuses an answer that is not the file (`httpFailure`) or announces more bytes than `download_size`; its body is let go. */
async function acceptHeaders(
  response: Response,
  url: string,
  sent: number,
  info: FileReady,
  artifact: Artifact,
): Promise<void> {
  if (!response.ok) throw await httpFailure(response, url, sent);
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > info.download_size) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(artifact, `the server sends ${declared} bytes`, info.download_size);
  }
}

/** The target's attempt for this body. */
async function openTarget<R>(
  target: DownloadTarget<R>,
  response: Response,
  info: FileReady,
  artifact: Artifact,
): Promise<DownloadAttempt<R>> {
  try {
    return await target.open({
      artifact,
      download_size: info.download_size,
      content_type: info.content_type,
    });
  } catch (error) {
    // Nowhere to write: the body is let go (and its connection with it), not left to the GC.
    await response.body?.cancel().catch(() => {});
    throw error;
  }
}

/** Reads the body into `sink`, checks it against what was announced and keeps it. */
async function save<R>(
  response: Response,
  sink: DownloadAttempt<R>,
  info: FileReady,
  artifact: Artifact,
  context: DownloadContext,
  signal: AbortSignal | undefined,
): Promise<SavedArtifact<R>> {
  const size = await readInto(response, sink, info, artifact, context, signal);
  await verify(await sink.digest(), size, info, artifact);
  return {
    artifact,
    result: await sink.commit(),
    content_type: response.headers.get("content-type") ?? info.content_type,
    sha256: info.sha256.toLowerCase(),
    download_size: info.download_size,
  };
}

/**
 * After a failed body: returns once it is time to fetch it again, or throws. Only a
 * body that stalled or broke is fetched again, as often and as late as the one policy
 * says; any other error, and the caller's abort, are rethrown as they are.
 */
async function retryBody(
  error: unknown,
  body: RetryTracker,
  url: string,
  context: DownloadContext,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal?.aborted) throw error;
  const stalled = error instanceof DOMException && error.name === "TimeoutError";
  if (!stalled && !(error instanceof TypeError)) throw error;
  // The GET is safe to repeat; whether and when is the one policy's call.
  const decision = body
    .failed({ kind: stalled ? "timeout" : "network", delivery: "maybe", error })
    .decide();
  if (decision.action === "retry") {
    await sleep(decision.delayMs, { clock: context.clock, signal });
    return;
  }
  const what = stalled
    ? `no byte of the body for ${context.retry.attemptTimeoutMs} ms`
    : "the connection broke while the body was read";
  throw new TransportError(
    decision.code,
    `GET ${redactUrl(url)}: ${what}, ${body.attempt} times; ${decision.reason}`,
    { cause: error, attempts: body.attempt },
  );
}

/** The one policy's count of a download step that is safe to repeat (no shared episode, no rate limit). */
function retriesOf(context: DownloadContext, operation: "call" | "download"): RetryTracker {
  return trackRetries({ operation, policy: context.retry, clock: context.clock });
}

/**
 * `plan_file_info`, asked again while PlanExe answers `content_unavailable` (it reads
 * the bytes from its database, a zip snapshot, then its worker: while the worker
 * deploys, that is a deploy-window answer like a 502). The one policy paces it as a
 * server that answers but cannot serve this request yet (`unavailable`), within the
 * retry deadline; past it, a `ToolError` `content_unavailable` with the attempts made.
 */
async function askUntilAvailable(
  context: DownloadContext,
  signal: AbortSignal | undefined,
): Promise<PlanFileInfoOutput> {
  const unavailable = retriesOf(context, "call");
  for (;;) {
    try {
      return await context.fileInfo(signal);
    } catch (error) {
      if (!isPlanExeError(error) || error.code !== ErrorCode.CONTENT_UNAVAILABLE) throw error;
      const decision = unavailable.failed({ kind: "unavailable", delivery: "no", error }).decide();
      if (decision.action === "give-up")
        throw new ToolError(
          ErrorCode.CONTENT_UNAVAILABLE,
          `${error.message}; still unavailable after ${unavailable.attempt} attempt(s) (${decision.reason})`,
          {
            tool: "plan_file_info",
            attempts: unavailable.attempt,
            details: error.details,
            cause: error,
          },
        );
      await sleep(decision.delayMs, { clock: context.clock, signal });
    }
  }
}

/**
 * Writes the body into `sink` chunk by chunk and returns its size; the byte past
 * the announced size ends the read (`TOO_LARGE`), and a read that waits longer than
 * `attemptTimeoutMs` for a byte rejects with a `TimeoutError` (a half-open connection
 * would otherwise hold the download forever).
 */
async function readInto(
  response: Response,
  sink: DownloadAttempt<unknown>,
  info: FileReady,
  artifact: Artifact,
  context: DownloadContext,
  signal: AbortSignal | undefined,
): Promise<number> {
  if (!response.body) return 0;
  let size = 0;
  const bound = () =>
    timeoutSignal(context.retry.attemptTimeoutMs, { clock: context.clock, parent: signal });
  await forEachChunk(response.body, bound, async (chunk) => {
    size += chunk.byteLength;
    if (size > info.download_size)
      throw tooLarge(
        artifact,
        `the body goes past ${info.download_size} bytes`,
        info.download_size,
      );
    await sink.write(chunk);
  });
  return size;
}

function tooLarge(artifact: Artifact, what: string, limit: number): ProtocolError {
  return new ProtocolError(
    ErrorCode.TOO_LARGE,
    `The ${artifact} is larger than allowed: ${what} (limit ${limit} bytes); nothing more was read`,
    { details: { limit } },
  );
}

function requireReady(info: PlanFileInfoOutput, artifact: Artifact, maxBytes: number): FileReady {
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
  if (info.download_size > maxBytes)
    throw tooLarge(artifact, `plan_file_info announced ${info.download_size} bytes`, maxBytes);
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
  let url: URL;
  try {
    url = new URL(info.download_url, baseUrl);
  } catch {
    throw new ProtocolError(
      ErrorCode.INVALID_RESPONSE,
      `plan_file_info gave a download_url that is not a URL`,
      { tool: "plan_file_info" },
    );
  }
  const unfetchable = unfetchableReason(url);
  if (unfetchable)
    throw new ProtocolError(
      ErrorCode.INVALID_RESPONSE,
      `plan_file_info gave a download_url the SDK will not fetch: ${unfetchable}`,
      { tool: "plan_file_info" },
    );
  return url.toString();
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

async function verify(
  hex: string,
  size: number,
  info: FileReady,
  artifact: Artifact,
): Promise<void> {
  const expected = info.sha256.toLowerCase();
  if (hex === expected && size === info.download_size) return;
  throw new ProtocolError(
    ErrorCode.CHECKSUM_MISMATCH,
    `The downloaded ${artifact} does not match plan_file_info (sha256 ${hex === expected ? "matches" : "differs"}, ${size} of ${info.download_size} bytes)`,
    { details: { expectedSha256: info.sha256, actualSha256: hex, size } },
  );
}
