import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { TOOLS } from "../../src/tools/schemas/registry.js";
import { MAIN, requireBuild, runCli } from "../cli/helpers.js";
import { initializeRequest } from "../contract/fixtures.js";
import { isAlive, waitFor } from "../emulator/helpers.js";
import { callWithProgress, type LocalServer, startLocalServer, structured } from "./helpers.js";

/** A loopback URL where nothing listens: PlanExe "down". */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const KEY = "pex_local_server_secret_key";
let url: string;
let running: LocalServer | undefined;

beforeAll(async () => {
  requireBuild();
  url = await deadUrl();
});

afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("planexe-client mcp while PlanExe is down", () => {
  it("answers initialize and tools/list from its own schemas", async () => {
    running = await startLocalServer(url, [], { PLANEXE_API_KEY: KEY });
    const { tools } = await running.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...Object.keys(TOOLS), "plan_wait"].sort());
    const status = tools.find((t) => t.name === "plan_status");
    expect(status?.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    expect(status?.inputSchema).toMatchObject({ required: ["plan_id"] });
    const create = tools.find((t) => t.name === "plan_create");
    expect(create?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true });
    const wait = tools.find((t) => t.name === "plan_wait");
    expect(wait?.annotations).toMatchObject({ readOnlyHint: true });
    expect(wait?.description).toMatch(/prefer this over polling plan_status/i);
  });

  it("ends a call at its budget with a structured PLANEXE_UNAVAILABLE result and progress on the way", async () => {
    running = await startLocalServer(url, ["--call-budget", "2500ms"], { PLANEXE_API_KEY: KEY });
    const started = Date.now();
    const { result, progress } = await callWithProgress(running.client, "plan_status", {
      plan_id: "0b6c3a54-3c3e-4bd9-9f3e-2f4f6b0a1c11",
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.isError).toBe(true);
    const error = structured(result).error as Record<string, unknown>;
    expect(error).toMatchObject({ code: "PLANEXE_UNAVAILABLE", retry_after_s: 0 });
    expect(error.down_for_s).toEqual(expect.any(Number));
    expect(String(error.next_step)).toMatch(/call plan_status again/i);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]?.message).toMatch(/unreachable/);
    const values = progress.map((p) => p.progress);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(JSON.stringify(result) + running.stderr()).not.toContain(KEY);
  });

  it("tells a model what to check before creating a plan again", async () => {
    running = await startLocalServer(url, ["--call-budget", "1500ms"], { PLANEXE_API_KEY: KEY });
    const { result } = await callWithProgress(running.client, "plan_create", {
      prompt: "Open a bakery in Lisbon",
    });
    expect(result.isError).toBe(true);
    const error = structured(result).error as Record<string, unknown>;
    expect(error).toMatchObject({ code: "PLANEXE_UNAVAILABLE", may_have_reached_server: true });
    expect(String(error.next_step)).toMatch(/plan_list/);
  });

  it("rejects bad arguments as a tool error without calling PlanExe", async () => {
    running = await startLocalServer(url);
    const { result } = await callWithProgress(running.client, "plan_status", {});
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/plan_id/);
  });
});

describe("planexe-client mcp as a process", () => {
  it("has --help, and says how to fix a bad --call-budget", async () => {
    const help = await runCli(MAIN, ["mcp", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--call-budget DURATION/);
    expect(help.stdout).toMatch(/default: 55s/);
    const listed = await runCli(MAIN, ["--help"]);
    expect(listed.stdout).toMatch(/^ {2}mcp /m);
    const bad = await runCli(MAIN, ["mcp", "--url", url, "--call-budget", "soon"]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/--call-budget must be a duration like 60s/);
    expect(bad.stdout).toBe("");
  });

  it("writes nothing but JSON-RPC to stdout and exits when stdin closes", async () => {
    const child = spawn(process.execPath, [MAIN, "mcp", "--url", url, "--call-budget", "1s"], {
      env: { PATH: process.env.PATH ?? "", PLANEXE_API_KEY: KEY },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    send(initializeRequest(1));
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    send({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "plan_list", arguments: {}, _meta: { progressToken: "t3" } },
    });
    await waitFor(() => /"id":3/.test(stdout), { timeoutMs: 20_000, what: "the answer to call 3" });
    child.stdin.end();
    expect(await exited).toBe(0);
    const lines = stdout.split("\n").filter((line) => line !== "");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
    expect(stdout).not.toContain(KEY);
  });

  it("exits on SIGTERM in the middle of a call, leaving no process behind", async () => {
    running = await startLocalServer(url);
    const server = running;
    running = undefined;
    const call = callWithProgress(server.client, "plan_status", { plan_id: "p" }).catch(
      (error: unknown) => error,
    );
    await waitFor(() => /plan_status|retrying/.test(server.stderr()) || undefined, {
      what: "the call to start waiting",
    });
    process.kill(server.pid, "SIGTERM");
    await waitFor(() => !isAlive(server.pid), { what: "the server to exit" });
    expect(await call).toBeInstanceOf(Error);
    await server.client.close();
  });
});
