import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAIN, runCli } from "../cli/helpers.js";
import { callWithProgress, startLocalServer, structured } from "../mcp/helpers.js";
import { type HostileServer, keySpellings, PLAN_ID, startHostileServer } from "./server.js";

/** A key with a quote and a backslash in it: its JSON, URL and inspect spellings all differ from it. */
const KEY = `pex_h"os\\tile'key_7c1d`;
/** C0 (but tab and newline), DEL and C1: what a terminal host would act on. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
});
afterAll(() => server.close());

/** Every string anywhere in `value`, object keys included. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value !== "object" || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(strings);
  return Object.entries(value).flatMap(([key, item]) => [key, ...strings(item)]);
}

/** Peak resident memory of process `pid` in MiB (VmHWM), from /proc. */
function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

describe("the local MCP server against a hostile PlanExe", { timeout: 120_000 }, () => {
  it("hands the host no spelling of the key and no raw control character: results, structured content, progress, logs", async () => {
    const local = await startLocalServer(`${server.url}/keyecho`, [], { PLANEXE_API_KEY: KEY });
    const seen: string[] = [];
    try {
      // PlanExe's own tool list and instructions reach the host too.
      const listed = await local.client.listTools();
      expect(listed.tools.map((tool) => tool.name)).toContain("plan_status");
      // PlanExe's own (its descriptions echo the key), cleaned.
      expect(JSON.stringify(listed)).toContain("key=***");
      expect(local.client.getInstructions()).toContain("key=***");
      seen.push(JSON.stringify(listed), ...strings(listed), local.client.getInstructions() ?? "");
      for (const [tool, args] of [
        ["plan_status", { plan_id: PLAN_ID }],
        ["plan_list", {}],
        ["example_prompts", {}],
        ["plan_stop", { plan_id: PLAN_ID }],
        ["plan_wait", { plan_id: PLAN_ID, timeout_s: 20 }],
      ] as const) {
        const { result, progress } = await callWithProgress(local.client, tool, args);
        const text = result.content[0]?.type === "text" ? result.content[0].text : "";
        seen.push(text, ...strings(result.structuredContent));
        seen.push(...progress.map((p) => p.message ?? ""));
        if (tool === "plan_wait") {
          // The step wording came from plan_status's current_step: it did reach the host, cleaned.
          expect(progress.length, text).toBeGreaterThan(0);
          expect(progress.some((p) => p.message?.includes("3/20"))).toBe(true);
        }
        if (tool === "plan_status") expect(structured(result).plan_id).toBe(PLAN_ID);
        // The text is the JSON of the structured content: both say the same.
        if (!result.isError) expect(JSON.parse(text)).toEqual(result.structuredContent);
      }
    } finally {
      await local.close();
    }
    seen.push(local.stderr());
    expect(seen.join("\n")).toContain("***");
    for (const text of seen) {
      expect(text).not.toMatch(RAW_CONTROL);
      for (const form of keySpellings(KEY)) expect(text).not.toContain(form);
      // Nor the key's distinctive middle, however it was spelled around it.
      expect(text).not.toContain("tile'key_7c1d");
      expect(text).not.toContain("tile%27key");
    }
  });

  it("an endless event-stream answer to tools/call ends in RESPONSE_TOO_LARGE with the server's memory bounded", async () => {
    const local = await startLocalServer(`${server.url}/endlesssse`, [], { PLANEXE_API_KEY: KEY });
    try {
      const before = peakRssMiB(local.pid);
      const started = Date.now();
      const { result } = await callWithProgress(local.client, "plan_status", { plan_id: PLAN_ID });
      const elapsed = Date.now() - started;
      const peak = peakRssMiB(local.pid);
      console.log(
        `endless event-stream tools/call: RSS peak ${before.toFixed(0)} MiB before, ${peak.toFixed(0)} MiB after; ended in ${elapsed} ms; ${(server.bytesSent("/endlesssse/mcp") / 2 ** 20).toFixed(1)} MiB sent`,
      );
      expect(result.isError).toBe(true);
      const error = structured(result).error as { code: string; message: string };
      expect(error.code, error.message).toBe("RESPONSE_TOO_LARGE");
      expect(error.message).toMatch(/maxResponseBytes/);
      // Cut at 16 MiB, far before the call budget: not a timeout, not gigabytes.
      expect(elapsed).toBeLessThan(50_000);
      expect(peak).toBeLessThan(400);
      expect(server.bytesSent("/endlesssse/mcp")).toBeLessThan(64 * 2 ** 20);
    } finally {
      await local.close();
    }
  });

  it("plan_wait does not follow a sse_url on another origin: a clear CROSS_ORIGIN_STREAM result", async () => {
    const local = await startLocalServer(`${server.url}/foreign`, [], { PLANEXE_API_KEY: KEY });
    const before = server.requests.filter((r) => r.origin === server.foreignUrl).length;
    try {
      const { result } = await callWithProgress(local.client, "plan_wait", {
        plan_id: PLAN_ID,
        timeout_s: 10,
      });
      expect(result.isError).toBe(true);
      const error = structured(result).error as { code: string; message: string };
      expect(error.code).toBe("CROSS_ORIGIN_STREAM");
      expect(error.message).toMatch(/another origin/);
    } finally {
      await local.close();
    }
    expect(server.requests.filter((r) => r.origin === server.foreignUrl).length).toBe(before);

    // Opted in: followed, without the key.
    const trusting = await startLocalServer(
      `${server.url}/foreign`,
      ["--follow-cross-origin-stream"],
      { PLANEXE_API_KEY: KEY },
    );
    try {
      const { result } = await callWithProgress(trusting.client, "plan_wait", {
        plan_id: PLAN_ID,
        timeout_s: 10,
      });
      expect(structured(result)).toMatchObject({ done: true, state: "failed" });
    } finally {
      await trusting.close();
    }
    const followed = server.requests.filter((r) => r.origin === server.foreignUrl);
    expect(followed.length).toBeGreaterThan(before);
    for (const request of followed) expect(request.headers["x-api-key"]).toBeUndefined();
  });

  it("a proxy that refuses the connection is named (without its credentials), not PlanExe", async () => {
    const local = await startLocalServer(`${server.url}/good`, [], {
      PLANEXE_API_KEY: KEY,
      HTTP_PROXY: "http://me:hunter2@127.0.0.1:9",
    });
    try {
      const { result } = await callWithProgress(local.client, "plan_status", { plan_id: PLAN_ID });
      expect(result.isError).toBe(true);
      const error = structured(result).error as { code: string; message: string };
      expect(error.code).toBe("NETWORK_ERROR");
      expect(error.message).toContain("the proxy http://127.0.0.1:9 (HTTP_PROXY)");
      expect(JSON.stringify(result)).not.toContain("hunter2");
    } finally {
      await local.close();
    }
  });
});

describe("durations a timer cannot hold", { timeout: 60_000 }, () => {
  it.concurrent("`mcp --call-budget 600h` and `--timeout 600h` are refused with a clear message", async () => {
    const [budget, timeout] = await Promise.all([
      runCli(MAIN, ["mcp", "--url", server.url, "--call-budget", "600h"], {}, ""),
      runCli(MAIN, ["status", "--url", server.url, "--timeout", "600h", PLAN_ID], {}),
    ]);
    expect(budget.code).toBe(3);
    expect(budget.stderr).toMatch(/--call-budget 600h is longer than a timer can wait/);
    expect(timeout.code).toBe(3);
    expect(timeout.stderr).toMatch(/--timeout 600h is longer than a timer can wait/);
  });

  it.concurrent("the CLI names a refusing proxy, not PlanExe", async () => {
    const run = await runCli(MAIN, ["status", "--timeout", "5s", PLAN_ID], {
      PLANEXE_URL: `${server.url}/good`,
      PLANEXE_API_KEY: KEY,
      HTTP_PROXY: "http://me:hunter2@127.0.0.1:9",
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /the proxy http:\/\/127\.0\.0\.1:9 \(HTTP_PROXY\) refused the connection/,
    );
    expect(run.stderr).not.toContain(server.url);
    expect(run.stderr).not.toContain("hunter2");
  });
});
