import { readFileSync } from "node:fs";
import { it } from "vitest";
import { callWithProgress, startLocalServer } from "../mcp/helpers.js";
import { PLAN_ID, startHostileServer } from "./server.js";

it("baseline", async () => {
  const server = await startHostileServer();
  const local = await startLocalServer(`${server.url}/endlesssse`, ["--call-budget", "6s"], {
    PLANEXE_API_KEY: "pex_baseline_1234",
  });
  const rss = () =>
    Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${local.pid}/status`, "utf8"))?.[1]) / 1024;
  const before = rss();
  const t = Date.now();
  const { result } = await callWithProgress(local.client, "plan_status", { plan_id: PLAN_ID });
  console.log(
    `BASELINE rss ${before.toFixed(0)} -> ${rss().toFixed(0)} MiB in ${Date.now() - t} ms, sent ${(server.bytesSent("/endlesssse/mcp") / 2 ** 20).toFixed(0)} MiB`,
    JSON.stringify(result).slice(0, 300),
  );
  await local.close();
  await server.close();
}, 60_000);
