/**
 * One PlanExe replica (the `mcp_cloud` service): a node:http server on
 * 127.0.0.1, port chosen by the OS, serving `createPlanExeApp` over the shared
 * state file. Started by the emulator; runs no worker. On SIGTERM it stops
 * accepting, ends its progress streams (cut, as today's PlanExe; with `proposal`, a
 * short `retry:`), finishes the requests in flight and exits.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createPlanExeApp } from "../fake/index.js";
import { onShutdown, readChildConfig, tellSupervisor } from "./child-runtime.js";
import { createEmulatorWorld } from "./emulator-world.js";
import { serveFetch } from "./node-http.js";

const config = readChildConfig("replica-main");
const world = createEmulatorWorld(config, { worker: false });
const app = createPlanExeApp(world, {
  ...(config.corsOrigins && { corsOrigins: config.corsOrigins }),
  proposal: config.proposal,
  stream: {
    heartbeatMs: config.heartbeatMs,
    retryMs: config.retryMs,
    drainRetryMs: config.drainRetryMs,
    pollIntervalMs: config.pollIntervalMs,
    maxStreamsPerClient: config.maxStreamsPerClient,
    maxStreams: config.maxStreams,
  },
});
const server = createServer(serveFetch((request) => app.fetch(request)));

onShutdown(async (reason) => {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  app.drain();
  server.closeIdleConnections();
  if (reason === "orphaned") server.closeAllConnections();
  // In-flight requests finish; the supervisor SIGKILLs us after its grace period otherwise.
  await closed;
  app.close();
  world.close();
});

server.listen(0, "127.0.0.1", () => {
  tellSupervisor({ type: "ready", port: (server.address() as AddressInfo).port });
});
