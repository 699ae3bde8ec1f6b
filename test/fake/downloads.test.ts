import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { AUTH, connectClient, createPlan, setup, structured } from "./helpers.js";

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function completedPlan(planSeconds = 60) {
  const env = setup({ planSeconds });
  cleanup = () => env.world.close();
  const client = await connectClient(env.fetch);
  const created = structured(
    await client.callTool({ name: "plan_create", arguments: { prompt: "Download me" } }),
  );
  await env.clock.advance(planSeconds * 1000 + 2_000);
  return { ...env, client, planId: created.plan_id as string };
}

describe("plan_file_info and downloads", () => {
  it.each([
    ["report", "text/html; charset=utf-8", "report.html"],
    ["zip", "application/zip", "run.zip"],
  ])("%s: sha256 and size match the downloaded bytes", async (artifact, contentType, file) => {
    const { client, fetch, planId } = await completedPlan();
    const info = structured(
      await client.callTool({ name: "plan_file_info", arguments: { plan_id: planId, artifact } }),
    );
    expect(info).toMatchObject({
      content_type: contentType,
      // Python's isoformat(): no `ready` key, microseconds when there are any, +00:00.
      expires_at: "2026-01-01T00:16:02+00:00",
    });
    const url = new URL(info.download_url as string);
    expect(url.pathname).toBe(`/download/${planId}/${file}`);
    expect(info).not.toHaveProperty("ready");
    expect(url.searchParams.get("token")).toMatch(/^\d+\.[0-9a-f]{64}$/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(contentType);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.length).toBe(info.download_size);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(info.sha256);
    if (artifact === "zip") {
      // a real zip: local header first, end-of-central-directory at the end, 21 entries
      expect([...bytes.slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
      const end = new DataView(bytes.buffer, bytes.length - 22);
      expect(end.getUint32(0, true)).toBe(0x06054b50);
      expect(end.getUint16(10, true)).toBe(21);
    } else {
      expect(new TextDecoder().decode(bytes)).toContain("Download me");
    }
  });

  it("refuses an expired URL (15 min on the clock) and a forged token with 401", async () => {
    const { client, fetch, clock, planId } = await completedPlan();
    const info = structured(
      await client.callTool({ name: "plan_file_info", arguments: { plan_id: planId } }),
    );
    const url = info.download_url as string;
    await clock.advance(14 * 60_000);
    expect((await fetch(url)).status).toBe(200);
    await clock.advance(60_000);
    const expired = await fetch(url);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({
      detail: "Missing API key. Create an API key at https://home.planexe.org/",
    });
    // A valid API key works without a token; a token that is sent must still be valid
    // (PlanExe's route checks it again, key or not).
    const bare = new URL(url);
    bare.searchParams.delete("token");
    expect((await fetch(bare, { headers: AUTH })).status).toBe(200);
    const keyAndExpired = await fetch(url, { headers: AUTH });
    expect(keyAndExpired.status).toBe(401);
    expect(await keyAndExpired.json()).toEqual({ detail: "Invalid or expired download token" });

    const forged = new URL(url);
    forged.searchParams.set("token", "9999999999.abcd");
    expect((await fetch(forged)).status).toBe(401);
    const otherFile = url.replace("report.html", "run.zip");
    expect((await fetch(otherFile)).status).toBe(401);
    expect((await fetch(`http://planexe.test/download/${planId}/report.html`)).status).toBe(401);
  });

  it("answers 404 for an unknown plan or file (auth first: 401 without a key or token)", async () => {
    const { fetch, planId } = await completedPlan();
    expect((await fetch("http://planexe.test/download/nope/report.html?token=1.a")).status).toBe(
      401,
    );
    const withKey = { headers: AUTH };
    expect((await fetch("http://planexe.test/download/nope/report.html", withKey)).status).toBe(
      404,
    );
    const unknownPlan = await fetch("http://planexe.test/download/nope/report.html", withKey);
    expect(await unknownPlan.json()).toEqual({ detail: "Plan not found" });
    const unknownFile = await fetch(`http://planexe.test/download/${planId}/secrets.txt`, withKey);
    expect(unknownFile.status).toBe(404);
    expect(await unknownFile.json()).toEqual({ detail: "Report not found" });
  });

  it("every answer shape but PLAN_NOT_FOUND has isError false: processing, stopped, a failed plan's report, content_unavailable", async () => {
    const env = setup({ planSeconds: 60, failAtStep: 3 });
    cleanup = () => env.world.close();
    const info = (planId: string, artifact = "report") =>
      env.world.callTool("plan_file_info", { plan_id: planId, artifact });
    const planId = createPlan(env.world, "p");
    // Pending: the report and the zip are not ready (no zip exists yet).
    expect(info(planId)).toEqual({ ok: true, result: { ready: false, reason: "processing" } });
    expect(info(planId, "zip")).toEqual({
      ok: true,
      result: { ready: false, reason: "processing" },
    });
    await env.clock.advance(7_000);
    // A running plan's zip is ready whenever one exists (it changes as the plan goes on).
    const runningZip = info(planId, "zip");
    expect(runningZip).toMatchObject({ ok: true, result: { content_type: "application/zip" } });
    expect(info(planId)).toEqual({ ok: true, result: { ready: false, reason: "processing" } });
    await env.clock.advance(10_000);
    expect(env.world.getPlan(planId)?.state).toBe("failed");
    // A failed plan's report will never be ready: said at once, not an error.
    expect(info(planId)).toEqual({
      ok: true,
      result: {
        ready: false,
        reason: "failed",
        error: { code: "generation_failed", message: env.world.getPlan(planId)?.error?.message },
      },
    });
    // Its zip can be downloaded.
    const failedZip = info(planId, "zip");
    expect(failedZip.ok && failedZip.result.download_url).toEqual(expect.any(String));
    const zip = await env.fetch(String(failedZip.ok && failedZip.result.download_url));
    expect(zip.status).toBe(200);

    const stopped = createPlan(env.world, "stop me");
    env.world.callTool("plan_stop", { plan_id: stopped });
    expect(info(stopped)).toEqual({ ok: true, result: { ready: false, reason: "stopped" } });
    // Stopped before any file: no zip exists, and it is not processing any more.
    expect(info(stopped, "zip")).toEqual({
      ok: true,
      result: { error: { code: "content_unavailable", message: "zip content_bytes is None" } },
    });
    expect(info("nope")).toEqual({
      ok: false,
      error: { code: "PLAN_NOT_FOUND", message: "Plan not found: nope" },
    });
  });

  it("content_unavailable while the bytes are missing (worker_plan down), then ready again", async () => {
    const { client, world, fetch, planId } = await completedPlan();
    const ready = structured(
      await client.callTool({ name: "plan_file_info", arguments: { plan_id: planId } }),
    );
    world.setContentAvailable(false);
    for (const artifact of ["report", "zip"]) {
      const result = await client.callTool({
        name: "plan_file_info",
        arguments: { plan_id: planId, artifact },
      });
      expect(result.isError).toBe(false);
      expect(structured(result)).toEqual({
        error: {
          code: "content_unavailable",
          message: artifact === "zip" ? "zip content_bytes is None" : "content_bytes is None",
        },
      });
    }
    expect((await fetch(ready.download_url as string)).status).toBe(404);
    world.setContentAvailable(true);
    expect((await fetch(ready.download_url as string)).status).toBe(200);
  });

  it("signs URLs that another replica with the same secret accepts", async () => {
    const { client, world, planId } = await completedPlan();
    const info = structured(
      await client.callTool({ name: "plan_file_info", arguments: { plan_id: planId } }),
    );
    const other = setup({ store: world.store, workers: 0 });
    await other.clock.advance(world.clock.now() - other.clock.now());
    const response = await other.fetch(info.download_url as string);
    expect(response.status).toBe(200);
  });
});
