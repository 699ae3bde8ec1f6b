import { get } from "node:http";
import {
  DOUBLE_API_KEY,
  type Emulator,
  type EmulatorOptions,
  startEmulator,
} from "../../src/emulator/index.js";

/** Calls a tool through PlanExe's REST mirror with `apiKey`; returns the parsed result (or the error body). */
export async function callTool(
  baseUrl: string,
  tool: string,
  args: Record<string, unknown> = {},
  apiKey = DOUBLE_API_KEY,
): Promise<{ status: number; result?: Record<string, unknown>; text: string }> {
  const response = await fetch(`${baseUrl}/mcp/tools/call`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify({ tool, arguments: args }),
  });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status, text };
  const body = JSON.parse(text) as { content: Array<{ text: string }> };
  return {
    status: 200,
    result: JSON.parse(body.content[0]?.text ?? "{}") as Record<string, unknown>,
    text,
  };
}

/** One `GET` of a progress stream read as raw bytes, like `curl -N`. */
export interface RawStream {
  status: number;
  contentType: string | undefined;
  /** Everything received so far. */
  text(): string;
  /** `end`: the server ended the body cleanly; `cut`: the connection died mid-body. */
  readonly done: Promise<"end" | "cut">;
  close(): void;
}

export function openRawStream(url: string): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      const done = new Promise<"end" | "cut">((settle) => {
        res.once("end", () => settle("end"));
        res.once("close", () => settle(res.complete ? "end" : "cut"));
        res.once("error", () => settle("cut"));
      });
      resolve({
        status: res.statusCode ?? 0,
        contentType: res.headers["content-type"],
        text: () => text,
        done,
        close: () => req.destroy(),
      });
    });
    req.once("error", reject);
  });
}

/** The `event:` names of an SSE text, in order. */
export function eventNames(text: string): string[] {
  return [...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1] as string);
}

/** The parsed `data:` of the stream's last `status` event, if any. */
export function lastStatus(text: string): Record<string, unknown> | undefined {
  const matches = [...text.matchAll(/^event: status\n(?:id: .*\n)?data: (.*)$/gm)];
  const data = matches.at(-1)?.[1];
  return data ? (JSON.parse(data) as Record<string, unknown>) : undefined;
}

/** Polls `check` until it returns a value other than `undefined`/`false`; rejects after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 10_000, everyMs = 25, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * An emulator on a free port with every interval short, for the deploy tests:
 * two replicas, 30 s plans (surely still running when a deploy hits, however slow
 * the machine), 1 s heartbeats, 100 ms health checks. These tests poll every few
 * ms, so PlanExe's 60 requests / 60 s limit (real time) is off: it has its own tests.
 * Auth stays on (DOUBLE_API_KEY). `extra` overrides any of them.
 */
export function startFastEmulator(graceMs: number, extra: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    port: 0,
    rateLimit: false,
    replicas: 2,
    planSeconds: 30,
    pollIntervalMs: 100,
    heartbeatMs: 1000,
    healthIntervalMs: 100,
    workerPollMs: 50,
    graceMs,
    ...extra,
  });
}
