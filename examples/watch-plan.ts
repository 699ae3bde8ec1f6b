/**
 * Watches a plan's progress stream to the end, through a server deploy.
 *
 *   npx tsx examples/watch-plan.ts
 *
 * By default it runs against the in-process PlanExe double (a 20 s plan, and a 5 s
 * Railway restart window in the middle: the stream is cut and every reconnect gets
 * a 502 until the new replica serves). Set PLANEXE_URL (and PLANEXE_API_KEY) to
 * watch a plan on a server instead: `npx planexe-client emulator` or https://mcp.planexe.org.
 * In your own project, import from "planexe-client" instead of "../src/index.js".
 */
import { isPlanExeError, PlanExeClient, systemClock, watchPlan } from "../src/index.js";
import { createPlanExeDouble } from "../src/testing/index.js";

async function main(): Promise<void> {
  const real = process.env.PLANEXE_URL;
  const double = real
    ? undefined
    : createPlanExeDouble({ clock: systemClock, planSeconds: 20, apiKeys: ["pex_example_key"] });
  const client = new PlanExeClient({
    baseUrl: real ?? double!.baseUrl,
    apiKey: real ? process.env.PLANEXE_API_KEY : "pex_example_key",
    ...(double && { fetch: double.fetch }),
  });
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort(new Error("interrupted")));
  const { signal } = controller;

  try {
    const plan = await client.createPlan("Open a small bakery in Lisbon", { signal });
    console.log(`created plan (sse_url ${plan.sse_url ? "given" : "missing"})`);
    if (double) {
      const window = double.deploy.restart({ at: Date.now() + 6_000, windowMs: 5_000 });
      window.started.then(() => console.log("-- deploy: the server is down (502) for 5 s --"));
      window.finished.then(() => console.log("-- deploy done: a new replica serves --"));
    }

    // The stream URL as the server gave it. (`client.watch(plan.plan_id)` does the same
    // and also falls back to polling when the stream is unusable.)
    const sseUrl = plan.sse_url ?? new URL(`sse/plan/${plan.plan_id}`, client.baseUrl).href;
    const watch = watchPlan(sseUrl, {
      signal,
      episode: client.episode, // share the client's outage probe
      ...(double && { fetch: double.fetch }),
      onWarning: (warning) => console.log(`  (warning) ${warning.message}`),
    });
    for await (const event of watch) {
      switch (event.type) {
        case "connected":
          console.log(event.attempt === 0 ? "connected" : `reconnected (attempt ${event.attempt})`);
          break;
        case "reconnecting":
          console.log(`  stream lost (${event.cause.message}); retrying in ${event.delayMs} ms`);
          break;
        case "status":
          console.log(
            `${event.state.padEnd(10)} ${event.progress_percentage.toFixed(1).padStart(5)}%`,
          );
          break;
        case "heartbeat":
          break;
        case "complete":
          console.log(`done: ${event.state}${event.error ? ` (${event.error.message})` : ""}`);
          if (event.state !== "completed") process.exitCode = 1;
          break;
      }
    }
    const end = await watch.closed;
    console.log("watch ended:", end.reason);
    if (end.reason !== "complete") process.exitCode = 1;
  } catch (error) {
    console.error(isPlanExeError(error) ? `${error.name} ${error.code}: ${error.message}` : error);
    process.exitCode = 1;
  } finally {
    await client.close();
    double?.close();
  }
}

await main();
