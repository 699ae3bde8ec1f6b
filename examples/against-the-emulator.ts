/**
 * A plan through a restart deploy of the local emulator (real processes and sockets):
 * tool calls wait out the 502 window and the watcher reconnects, then the report is
 * downloaded and checked.
 *
 *   npx tsx examples/against-the-emulator.ts
 *
 * PLAN_SECONDS and WINDOW_MS shorten it (the test runs it with a few seconds).
 */

import { type DeployReport, DOUBLE_API_KEY, startEmulator } from "../src/emulator/index.js";
import { PlanExeClient } from "../src/index.js";

async function main(): Promise<number> {
  const planSeconds = Number(process.env.PLAN_SECONDS ?? 20);
  const windowMs = Number(process.env.WINDOW_MS ?? 5_000);
  const emulator = await startEmulator({ port: 0, planSeconds, graceMs: 1_000 });
  // The emulator is PlanExe as deployed: auth on. DOUBLE_API_KEY is the key it accepts by default.
  const client = new PlanExeClient({ baseUrl: emulator.url, apiKey: DOUBLE_API_KEY });
  try {
    const plan = await client.createPlan("Open a small bakery in Lisbon");
    console.log(`emulator on ${emulator.url}; plan created`);
    let deploy: Promise<DeployReport> | undefined;
    let reconnects = 0;
    let final: string | undefined;
    for await (const event of client.watch(plan.plan_id)) {
      if (event.type === "status") console.log(`${event.state} ${event.progress_percentage}%`);
      // Deploy once the watcher is connected: its stream is cut, it must reconnect.
      if (event.type === "status") deploy ??= emulator.deploy({ mode: "restart", windowMs });
      if (event.type === "reconnecting") reconnects += 1;
      if (event.type === "complete") final = event.state;
    }
    if (!deploy) throw new Error("the plan ended before the watcher saw it run");
    const report = await deploy;
    console.log(
      `restart deploy: no replica for ${report.unavailableMs} ms; ${reconnects} reconnects`,
    );
    const status = await client.getStatus(plan.plan_id); // a call after the deploy, on a new replica
    const file = await client.download(plan.plan_id); // sha256-checked
    console.log(
      `plan ${final}; ${status.files_count} files; report ${file.bytes.byteLength} bytes`,
    );
    return final === "completed" ? 0 : 1;
  } finally {
    await client.close();
    await emulator.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
