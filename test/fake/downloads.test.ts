import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { connectClient, createPlan, setup, structured } from "./helpers.js";

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
      expires_at: "2026-01-01T00:16:02Z",
    });
    const url = new URL(info.download_url as string);
    expect(url.pathname).toBe(`/download/${planId}/${file}`);
    expect(url.searchParams.get("token")).toMatch(/.+/);
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
    expect(await expired.json()).toEqual({ detail: expect.stringMatching(/token/i) });

    const forged = new URL(url);
    forged.searchParams.set("token", "99999999999999.AAAA");
    expect((await fetch(forged)).status).toBe(401);
    const otherFile = url.replace("report.html", "run.zip");
    expect((await fetch(otherFile)).status).toBe(401);
    expect((await fetch(`http://planexe.test/download/${planId}/report.html`)).status).toBe(401);
  });

  it("answers 404 for an unknown plan or file", async () => {
    const { fetch, planId } = await completedPlan();
    expect((await fetch("http://planexe.test/download/nope/report.html?token=1.a")).status).toBe(
      404,
    );
    expect(
      (await fetch(`http://planexe.test/download/${planId}/secrets.txt?token=1.a`)).status,
    ).toBe(404);
  });

  it("is not ready while the plan runs, generation_failed once it failed", async () => {
    const env = setup({ planSeconds: 60, failAtStep: 3 });
    cleanup = () => env.world.close();
    const planId = createPlan(env.world, "p");
    await env.clock.advance(1);
    expect(env.world.callTool("plan_file_info", { plan_id: planId })).toEqual({
      ok: true,
      result: { ready: false, reason: "processing" },
    });
    await env.clock.advance(10_000);
    expect(env.world.callTool("plan_file_info", { plan_id: planId })).toMatchObject({
      ok: false,
      error: { code: "generation_failed", details: { failure_reason: "generation_error" } },
    });
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
