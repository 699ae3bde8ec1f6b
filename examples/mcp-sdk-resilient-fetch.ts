/**
 * The official MCP SDK `Client`, unchanged except for the `fetch` its transport uses:
 * `createResilientFetch` carries its calls through a server deploy. Creates a plan,
 * watches its progress stream on the same outage episode, and reads its final status.
 * (docs/recipes/surviving-deploys-with-the-mcp-sdk.md)
 *
 *   npx tsx examples/mcp-sdk-resilient-fetch.ts
 *
 * By default it runs against the in-process PlanExe double (a 10 s plan, and a 4 s
 * Railway restart window in the middle). Set PLANEXE_URL (and PLANEXE_API_KEY) to run
 * it against a server: `npx planexe-client emulator` or https://mcp.planexe.org.
 * In your own project, import from "planexe-client" instead of "../src/index.js".
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { createResilientFetch, planexeResendable, systemClock, watchPlan } from "../src/index.js";
import { createPlanExeDouble } from "../src/testing/index.js";

/** The JSON a PlanExe tool answered with (`structuredContent`), or a thrown error. */
function resultOf(result: Awaited<ReturnType<Client["callTool"]>>): Record<string, unknown> {
  if (result.isError) throw new Error(`tool error: ${JSON.stringify(result.structuredContent)}`);
  return (result.structuredContent ?? {}) as Record<string, unknown>;
}

async function main(): Promise<void> {
  const url = process.env.PLANEXE_URL;
  const double = url
    ? undefined
    : createPlanExeDouble({ clock: systemClock, planSeconds: 10, apiKeys: ["pex_example_key"] });
  const baseUrl = url ?? double!.baseUrl;
  const apiKey = url ? process.env.PLANEXE_API_KEY : "pex_example_key";

  const fetch = createResilientFetch({
    resendable: planexeResendable, // plan_create is resent (the server dedups it), plan_retry is not
    logger: { warn: (line) => console.log(`  (retry) ${line}`) }, // redacted: no key, no plan id
    ...(double && { fetch: double.fetch }),
  });
  const transport = new StreamableHTTPClientTransport(new URL("/mcp", baseUrl), {
    fetch,
    ...(apiKey && { requestInit: { headers: { "X-API-Key": apiKey } } }),
  });
  const client = new Client({ name: "resilient-fetch-example", version: "1.0.0" });
  // The SDK's own request timeout (60 s) is shorter than a deploy; the fetch's deadline decides.
  const timeout = 200_000;

  try {
    await client.connect(transport, { timeout });
    const created = resultOf(
      await client.callTool(
        { name: "plan_create", arguments: { prompt: "Open a small bakery in Lisbon" } },
        { timeout },
      ),
    );
    const planId = String(created.plan_id);
    console.log(`created a plan${created.deduplicated ? " (deduplicated)" : ""}`);
    if (double) {
      const window = double.deploy.restart({ at: Date.now() + 3_000, windowMs: 4_000 });
      window.started.then(() => console.log("-- deploy: the server is down (502) for 4 s --"));
      window.finished.then(() => console.log("-- deploy done: a new replica serves --"));
    }

    const sseUrl =
      typeof created.sse_url === "string"
        ? created.sse_url
        : new URL(`/sse/plan/${planId}`, baseUrl).href;
    // The stream shares the fetch's outage episode: one /healthcheck probe for both.
    const watch = watchPlan(sseUrl, {
      episode: fetch.episode,
      ...(double && { fetch: double.fetch }),
    });
    for await (const event of watch) {
      if (event.type === "status")
        console.log(`${event.state.padEnd(10)} ${event.progress_percentage.toFixed(1)}%`);
      if (event.type === "reconnecting")
        console.log(`  stream lost; retrying in ${event.delayMs} ms`);
      if (event.type === "complete") console.log(`stream complete: ${event.state}`);
    }

    const status = resultOf(
      await client.callTool(
        { name: "plan_status", arguments: { plan_id: planId } },
        {
          timeout,
        },
      ),
    );
    console.log(`plan_status: ${String(status.state)}, ${String(status.files_count)} files`);
    if (status.state !== "completed") process.exitCode = 1;
  } finally {
    await client.close();
    double?.close();
  }
}

await main();
