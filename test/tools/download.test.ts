import { describe, expect, it } from "vitest";
import { ProtocolError, ToolError } from "../../src/errors/index.js";
import type { DeployWindow } from "../../src/testing/index.js";
import { planexeResult, rpcResult } from "../contract/fixtures.js";
import { rejection, setup } from "./helpers.js";

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The double, with download GETs passed through `tamper` first. */
function withDownloads(
  tamper: (request: Request, response: Response) => Promise<Response> | Response,
) {
  const env = setup(
    {},
    {
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const response = await env.double.fetch(request.clone());
        return new URL(request.url).pathname.startsWith("/download/")
          ? tamper(request, response)
          : response;
      },
    },
  );
  return env;
}

describe("download", () => {
  it("returns the report's bytes, verified against plan_file_info's sha256 and size", async () => {
    const { clock, client, run } = setup();
    const plan = await run(client.createPlan("A bakery"));
    await clock.advance(610_000);
    const report = await run(client.download(plan.plan_id));
    expect(report.artifact).toBe("report");
    expect(report.content_type).toMatch(/^text\/html/);
    expect(await sha256(report.bytes)).toBe(report.sha256);
    expect(new TextDecoder().decode(report.bytes)).toContain("<html");
    const zip = await run(client.download(plan.plan_id, { artifact: "zip" }));
    expect(zip.content_type).toBe("application/zip");
    expect(zip.bytes.byteLength).toBe(zip.download_size);
  });

  it("is NOT_READY while the plan runs, with the server's reason", async () => {
    const { client, run } = setup();
    const plan = await run(client.createPlan("A bakery"));
    const error = await run(rejection(client.download(plan.plan_id)));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe("NOT_READY");
    expect((error as ProtocolError).details).toMatchObject({ reason: expect.any(String) });
  });

  it("refreshes a link refused with 401 once, through plan_file_info", async () => {
    let refused = 0;
    const env = withDownloads((_request, response) => {
      if (refused++ > 0) return response;
      return Response.json({ detail: "Invalid or expired download token" }, { status: 401 });
    });
    const plan = await env.run(env.client.createPlan("A bakery"));
    await env.clock.advance(610_000);
    const report = await env.run(env.client.download(plan.plan_id));
    expect(report.bytes.byteLength).toBe(report.download_size);
    expect(env.double.requests.count({ tool: "plan_file_info" })).toBe(2);
  });

  it("fails with CHECKSUM_MISMATCH when the bytes are not the ones announced, and shows no token", async () => {
    const env = withDownloads(async (_request, response) => {
      const bytes = new Uint8Array(await response.arrayBuffer());
      bytes[0] = (bytes[0]! + 1) % 256;
      return new Response(bytes, { headers: response.headers });
    });
    const plan = await env.run(env.client.createPlan("A bakery"));
    await env.clock.advance(610_000);
    const error = await env.run(rejection(env.client.download(plan.plan_id)));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe("CHECKSUM_MISMATCH");
    expect(error.message).not.toContain("token=");
    expect(error.message).not.toContain(plan.plan_id);
  });

  it("a body that stalls after its first bytes is fetched again, not waited on forever", async () => {
    let gets = 0;
    const env = withDownloads(async (request, response) => {
      if (gets++ > 0) return response;
      const bytes = new Uint8Array(await response.arrayBuffer());
      // The first chunk, then nothing: a half-open connection (it ends only if the GET is aborted).
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.subarray(0, 10));
          request.signal.addEventListener("abort", () => controller.error(request.signal.reason));
        },
      });
      return new Response(body, { headers: response.headers });
    });
    const plan = await env.run(env.client.createPlan("A bakery"));
    await env.clock.advance(610_000);
    const started = env.clock.now();
    const report = await env.run(env.client.download(plan.plan_id));
    expect(report.bytes.byteLength).toBe(report.download_size);
    expect(gets).toBe(2);
    // Given up on after the policy's attempt timeout (30 s) without a byte, once. (Under
    // load the double's own 1 s timers may fire while the GET is still on its way.)
    expect(env.clock.now() - started).toBeGreaterThanOrEqual(30_000);
    expect(env.clock.now() - started).toBeLessThan(35_000);
  });

  it("a body that breaks mid-read every time ends in a typed NETWORK_ERROR, not a raw TypeError", async () => {
    let gets = 0;
    const env = withDownloads(async (_request, response) => {
      gets++;
      const bytes = new Uint8Array(await response.arrayBuffer());
      // The first chunk, then the connection breaks, as undici reports it.
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.subarray(0, 10));
          controller.error(new TypeError("terminated"));
        },
      });
      return new Response(body, { headers: response.headers });
    });
    const plan = await env.run(env.client.createPlan("A bakery"));
    await env.clock.advance(610_000);
    const error = await rejection(env.run(env.client.download(plan.plan_id)));
    expect(error).toMatchObject({ name: "TransportError", code: "NETWORK_ERROR", attempts: 3 });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(String((error as Error).message)).not.toContain(plan.plan_id);
    expect(gets).toBe(3);
  });

  it("lets the body go when the target cannot be opened, and rejects with the target's error", async () => {
    let cancelled = false;
    const env = withDownloads((_request, response) => {
      const reader = response.body?.getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const step = await reader?.read();
          if (!step || step.done) controller.close();
          else controller.enqueue(step.value);
        },
        cancel(reason) {
          cancelled = true;
          return reader?.cancel(reason);
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    });
    const plan = await env.run(env.client.createPlan("A bakery"));
    await env.clock.advance(610_000);
    const full = new Error("disk full");
    const error = await env.run(
      rejection(
        env.client.downloadTo(plan.plan_id, {
          open: () => {
            throw full;
          },
        }),
      ),
    );
    expect(error).toBe(full);
    expect(cancelled).toBe(true);
  });

  it("survives a restart window that opens between plan_file_info and the download", async () => {
    let window: DeployWindow | undefined;
    const env = setup(
      {},
      {
        fetch: async (input, init) => {
          const request = new Request(input, init);
          const isFileInfo = (await request.clone().text()).includes('"plan_file_info"');
          const response = await env.double.fetch(request);
          if (isFileInfo && env.double.world.getPlan(planId)?.state === "completed")
            window ??= env.double.deploy.restart({ windowMs: 120_000 });
          return response;
        },
      },
    );
    const { double, clock, client, run } = env;
    const plan = await run(client.createPlan("A bakery"));
    const planId = plan.plan_id;
    await clock.advance(610_000);
    const report = await run(client.download(plan.plan_id));
    expect(window).toBeDefined();
    expect(clock.now()).toBeGreaterThanOrEqual(window!.endsAt);
    expect(double.requests.count({ status: 502 })).toBeGreaterThan(0);
    expect(report.bytes.byteLength).toBe(report.download_size);
  });
});

describe("download, over PlanExe's in-result failures (test/fixtures/planexe)", () => {
  const failedReport = planexeResult("plan_file_info", "the report of a failed plan");
  const unavailable = planexeResult("plan_file_info", "the report's bytes unreadable");

  it("a failed plan's report fails at once with generation_failed, not NOT_READY, and waits for nothing", async () => {
    const { double, clock, client, run } = setup();
    const plan = await run(client.createPlan("A bakery"));
    await clock.advance(610_000);
    double.answerNext({ tool: "plan_file_info", respond: ({ id }) => rpcResult(id, failedReport) });
    const before = clock.now();
    const error = await run(rejection(client.download(plan.plan_id)));
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe("generation_failed");
    expect(error.message).toMatch(/never be ready/);
    expect(clock.now()).toBe(before);
    expect(double.requests.count({ tool: "plan_file_info" })).toBe(1);
  });

  /** A completed plan whose next `times` plan_file_info answers are content_unavailable. */
  async function completedThenUnavailable(times: number, deadlineMs?: number) {
    const env = setup({}, deadlineMs === undefined ? {} : { retry: { deadlineMs } });
    const plan = await env.run(env.client.createPlan("A bakery"));
    await env.clock.advance(610_000);
    env.double.answerNext({
      tool: "plan_file_info",
      times,
      respond: ({ id }) => rpcResult(id, unavailable),
    });
    return { ...env, plan };
  }

  it("content_unavailable (worker_plan deploying) is asked again and the download completes", async () => {
    const { double, clock, client, run, plan } = await completedThenUnavailable(3);
    const before = clock.now();
    const report = await run(client.download(plan.plan_id));
    expect(await sha256(report.bytes)).toBe(report.sha256);
    expect(double.requests.count({ tool: "plan_file_info" })).toBe(4);
    // Paced by the one policy's backoff (0.25 s, then doubling, jittered): seconds, not a deploy's minutes.
    expect(clock.now() - before).toBeLessThan(5_000);
  });

  it("content_unavailable past the retry deadline fails typed, with the attempts made", async () => {
    const { clock, client, run, plan } = await completedThenUnavailable(1_000, 30_000);
    const before = clock.now();
    const error = await run(rejection(client.download(plan.plan_id)));
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe("content_unavailable");
    expect((error as ToolError).attempts).toBeGreaterThan(3);
    expect(error.message).toMatch(/still unavailable after \d+ attempt/);
    expect(clock.now() - before).toBeLessThanOrEqual(30_000);
    expect(clock.now() - before).toBeGreaterThan(10_000);
  });

  it("getFileInfo says content_unavailable at once (one call, no wait)", async () => {
    const { double, clock, client, run } = setup();
    double.answerNext({ tool: "plan_file_info", respond: ({ id }) => rpcResult(id, unavailable) });
    const before = clock.now();
    const error = await run(rejection(client.getFileInfo("5a0f3c1e-8d2b-4c47-9e0a-2f6d7b1c9e44")));
    expect((error as ToolError).code).toBe("content_unavailable");
    expect(clock.now()).toBe(before);
    expect(double.requests.count({ tool: "plan_file_info" })).toBe(1);
  });
});
