/**
 * Creates a plan and polls it to completion, through a server deploy.
 *
 *   npx tsx examples/create-and-poll.ts
 *
 * By default it runs against the in-process PlanExe double (a 12 s plan, and a 5 s
 * Railway restart window in the middle, during which every request gets a 502);
 * set PLANEXE_URL (and PLANEXE_API_KEY) to run it against a server instead:
 * `npx planexe-client emulator` (http://127.0.0.1:8001) or https://mcp.planexe.org.
 * In your own project, import from "planexe-client" instead of "../src/index.js".
 */
import { isPlanExeError, PlanExeClient, systemClock } from "../src/index.js";
import { createPlanExeDouble } from "../src/testing/index.js";

const POLL_MS = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const real = process.env.PLANEXE_URL;
  const double = real
    ? undefined
    : createPlanExeDouble({ clock: systemClock, planSeconds: 12, apiKeys: ["pex_example_key"] });
  const client = new PlanExeClient({
    baseUrl: real ?? double!.baseUrl,
    apiKey: real ? process.env.PLANEXE_API_KEY : "pex_example_key",
    ...(double && { fetch: double.fetch }),
    logger: { warn: (line) => console.log(`  (retry) ${line}`) },
  });
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort(new Error("interrupted")));
  const { signal } = controller;

  try {
    const plan = await client.createPlan("Open a small bakery in Lisbon", { signal });
    console.log(`created plan ${plan.plan_id}${plan.deduplicated ? " (deduplicated)" : ""}`);
    if (double) {
      const window = double.deploy.restart({ at: Date.now() + 3_000, windowMs: 5_000 });
      window.started.then(() => console.log("-- deploy: the server is down (502) for 5 s --"));
      window.finished.then(() => console.log("-- deploy done: a new replica serves --"));
    }

    for (;;) {
      const status = await client.getStatus(plan.plan_id, { signal });
      const step = status.current_step ? ` ${status.current_step}` : "";
      console.log(
        `${status.state.padEnd(10)} ${status.progress_percentage.toFixed(0).padStart(3)}%${step}`,
      );
      if (status.state === "failed") {
        console.log(`failed: ${status.error?.message ?? "no reason given"}`);
        process.exitCode = 1;
        break;
      }
      if (status.state === "stopped") process.exitCode = 1;
      if (status.state === "completed" || status.state === "stopped") break;
      await sleep(POLL_MS);
    }

    const report = await client.download(plan.plan_id, { signal }).catch((error: unknown) => {
      if (isPlanExeError(error) && error.code === "NOT_READY") return undefined;
      throw error;
    });
    if (report)
      console.log(
        `report: ${report.bytes.byteLength} bytes, sha256 ${report.sha256.slice(0, 16)}… verified`,
      );
  } catch (error) {
    console.error(isPlanExeError(error) ? `${error.name} ${error.code}: ${error.message}` : error);
    process.exitCode = 1;
  } finally {
    await client.close();
    double?.close();
  }
}

await main();
