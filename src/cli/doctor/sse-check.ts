import { type CheckResult, fail, ok, readCapped, timedGet } from "./checks.js";

/** PlanExe's first block is a `retry:` line and one event: far less than this. */
const MAX_STREAM_BYTES = 65_536;

/**
 * Opens `/sse/plan/<id>` and expects `text/event-stream` with a `retry:` line or
 * an event within the deadline (for an unknown id PlanExe answers
 * `event: error` PLAN_NOT_FOUND, which proves the stream answers as well).
 */
export async function checkStream(
  base: string,
  planId: string,
  fresh: boolean,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<CheckResult> {
  const name = "progress stream";
  const which = fresh ? "a fresh id" : "the newest plan";
  try {
    const { response, detail } = await timedGet(
      `${base}/sse/plan/${planId}`,
      timeoutMs,
      signal,
      readFirstBlock,
    );
    const type = (response.headers.get("content-type") ?? "").split(";")[0]?.trim();
    if (response.status !== 200) return fail(name, `HTTP ${response.status} for ${which}`);
    if (type !== "text/event-stream") return fail(name, `content-type ${type || "missing"}`);
    if (!detail) return fail(name, `no retry: or event in the stream of ${which}`);
    return ok(name, `text/event-stream for ${which}: ${detail}`);
  } catch (error) {
    if (signal.aborted) throw error;
    return fail(name, `no answer for ${which}: ${error instanceof Error ? error.message : error}`);
  }
}

/**
 * Reads until the first `retry:` and the first `event:` (or the end, or 64 KiB: an
 * endless stream with no event is a failure, not a wait), then cancels the body.
 */
async function readFirstBlock(response: Response, signal: AbortSignal): Promise<string> {
  if (!response.body || response.status !== 200) return "";
  const seenEvent = (text: string) => summarize(text).event !== undefined;
  const seen = summarize(await readCapped(response, signal, MAX_STREAM_BYTES, seenEvent));
  return [seen.retry, seen.event].filter(Boolean).join(", ");
}

function summarize(text: string): { retry?: string; event?: string } {
  const lines = text.split(/\r\n|\r|\n/);
  const complete = /(\r\n|\r|\n)$/.test(text) ? lines : lines.slice(0, -1);
  const retry = complete.find((line) => line.startsWith("retry:"));
  const eventAt = complete.findIndex((line) => line.startsWith("event:"));
  const result: { retry?: string; event?: string } = {};
  if (retry) result.retry = retry.replace(/\s+/, " ");
  if (eventAt >= 0) {
    const data = complete.slice(eventAt + 1).find((line) => line.startsWith("data:"));
    if (!data) return result;
    const code = /"code"\s*:\s*"([A-Z_]+)"/.exec(data)?.[1];
    result.event = `${complete[eventAt]?.replace(/\s+/, " ")}${code ? ` ${code}` : ""}`;
  }
  return result;
}
