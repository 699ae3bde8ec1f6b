import { afterEach, expect, test } from "vitest";
import { watchPlan } from "../../src/index.js";
import { createManualClock } from "../../src/testing/index.js";
import { completeBlock, record, SSE_HEADERS, startRawServer, statusBlock } from "./helpers.js";

let close: (() => Promise<void>) | undefined;
afterEach(() => close?.());

test("smoke", async () => {
  const server = await startRawServer((_req, res) => {
    res.writeHead(200, SSE_HEADERS);
    res.end(`retry: 5000\r\n\r\n${statusBlock(10)}${statusBlock(20)}${completeBlock()}`);
  });
  close = server.close;
  const clock = createManualClock();
  const watch = watchPlan(server.url, { clock });
  const rec = record(watch, clock.now);
  await rec.done;
  expect(rec.types()).toEqual(["connected", "status:10", "status:20", "complete"]);
  expect(await watch.closed).toMatchObject({ reason: "complete" });
});
