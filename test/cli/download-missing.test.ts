// `planexe-client download` over an answer PlanExe gives for a failed plan: the report
// will never be ready (generation_failed), the zip is there. In-process, against the
// PlanExe double through msw, so the answer is exactly the fixture's.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setupServer } from "msw/node";
import { afterEach, expect, it } from "vitest";
import { downloadCommand } from "../../src/cli/commands/download.js";
import type { CliEnv } from "../../src/cli/output.js";
import { PlanExeClient } from "../../src/client.js";
import { createPlanExeDouble } from "../../src/testing/index.js";
import { planexeResult, rpcResult } from "../contract/fixtures.js";

const KEY = "pex_cli_download_0123456789";
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

it("saves the zip, names the report that will never be ready, and exits 3", async () => {
  const double = createPlanExeDouble({ apiKeys: [KEY], planSeconds: 600 });
  const server = setupServer(...double.handlers);
  double.attach(server);
  server.listen({ onUnhandledRequest: "error" });
  const dir = mkdtempSync(join(tmpdir(), "planexe-download-"));
  cleanups.push(() => {
    server.close();
    double.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const creator = new PlanExeClient({
    baseUrl: double.baseUrl,
    apiKey: KEY,
    fetch: double.fetch,
    clock: double.clock,
  });
  const { plan_id: planId } = await double.clock.runUntil(creator.createPlan("A bakery"));
  await creator.close();
  await double.clock.advance(610_000);
  double.answerNext({
    tool: "plan_file_info",
    respond: async ({ id, request }) => {
      const body = (await request.clone().json()) as {
        params: { arguments: { artifact: string } };
      };
      expect(body.params.arguments.artifact).toBe("report");
      return rpcResult(id, planexeResult("plan_file_info", "the report of a failed plan"));
    },
  });
  let out = "";
  let err = "";
  const env: CliEnv = {
    output: {
      out: (text) => {
        out += text;
      },
      err: (text) => {
        err += text;
      },
      isTTY: false,
      columns: 80,
    },
    env: { PLANEXE_URL: double.baseUrl, PLANEXE_API_KEY: KEY },
    readStdin: async () => undefined,
    signal: new AbortController().signal,
  };
  const code = await downloadCommand.run(["--dir", dir, planId], env);
  expect(code).toBe(3);
  const zip = join(dir, `${planId}-run.zip`);
  expect(existsSync(zip)).toBe(true);
  expect(readFileSync(zip).byteLength).toBeGreaterThan(0);
  expect(out).toContain(`${planId}-run.zip`);
  expect(existsSync(join(dir, `${planId}-report.html`))).toBe(false);
  expect(err).toMatch(/report not saved: .*never be ready.*generation_failed/);
  expect(err).not.toContain(KEY);
});
