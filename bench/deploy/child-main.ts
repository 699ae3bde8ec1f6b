/**
 * One client's watchers in their own process (so its RSS is its own): follows
 * every plan of the config with that client, tells the parent when all of them
 * got through once, and reports each watcher's record when they are all done
 * or when the parent says stop.
 */
import { setMaxListeners } from "node:events";
import { CLIENTS, closeSharedClients, subprocessUsage } from "./clients.js";
import type { ChildConfig, ChildReport, ParentCommand } from "./protocol.js";
import { WatcherRecorder } from "./recorder.js";

const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

function send(report: ChildReport): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(report, undefined, {}, () => resolve());
  });
}

/** The config, the parent's first message. */
function receiveConfig(): Promise<ChildConfig> {
  return new Promise((resolve) => {
    const onMessage = (command: ParentCommand) => {
      if (command.type !== "config") return;
      process.off("message", onMessage);
      resolve(command.config);
    };
    process.on("message", onMessage);
  });
}

async function main(): Promise<void> {
  if (!process.send) throw new Error("child-main is started by bench/deploy-survival.ts");
  const config = await receiveConfig();
  const baselineRssMb = mb(process.memoryUsage.rss());
  let peakHeapUsed = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    peakHeapUsed = Math.max(peakHeapUsed, process.memoryUsage().heapUsed);
  }, 250);
  const controller = new AbortController();
  // One stop signal for every watcher: hundreds of listeners on it are expected.
  setMaxListeners(0, controller.signal);
  process.on("message", (command: ParentCommand) => {
    if (command.type === "stop") controller.abort();
  });
  const watch = CLIENTS[config.client];
  const recorders = config.plans.map((plan) => new WatcherRecorder(plan.plan_id));
  const done = Promise.all(
    config.plans.map((plan, i) =>
      watch(plan, recorders[i] as WatcherRecorder, {
        baseUrl: config.baseUrl,
        pollMs: config.pollMs,
        signal: controller.signal,
      }),
    ),
  );
  const ready = setInterval(() => {
    if (recorders.every((r) => r.record.contacts.length > 0 || r.record.outcome !== "running")) {
      clearInterval(ready);
      void send({ type: "ready" });
    }
  }, 50);
  await done;
  await closeSharedClients();
  clearInterval(ready);
  clearInterval(sampler);
  const cpu = process.cpuUsage();
  const children = subprocessUsage();
  await send({
    type: "result",
    cpuSeconds: (cpu.user + cpu.system) / 1e6 + (children?.cpuSeconds ?? 0),
    ...(children && { subprocesses: children }),
    records: recorders.map((r) => r.record),
    baselineRssMb,
    peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
    peakHeapUsedMb: mb(peakHeapUsed),
  });
  process.disconnect();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
