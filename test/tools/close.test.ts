import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { rejection, setup } from "./helpers.js";

let teardown: (() => Promise<void>) | undefined;
afterEach(async () => {
  await teardown?.();
  teardown = undefined;
});

describe("PlanExeClient.close()", () => {
  it("while the first call is still connecting through an outage: the call rejects and the connect stops retrying", async () => {
    const { double, clock, client, close } = setup();
    teardown = close;
    double.deploy.restart({ windowMs: 120_000 });
    const pending = client.getStatus("00000000-0000-4000-8000-000000000000");
    const failed = rejection(pending);
    await clock.advance(5_000);
    expect(double.requests.count({ rpcMethod: "initialize" })).toBeGreaterThan(0);

    await client.close();
    expect((await failed).name).toBe("AbortError");
    const closedAt = clock.now();
    await clock.advance(60_000);
    expect(double.requests.count({ since: closedAt })).toBe(0);
  });

  it("detaches from the host's signal, which may outlive many clients", async () => {
    const host = new AbortController();
    const { client, close } = setup({}, { signal: host.signal });
    teardown = close;
    expect(getEventListeners(host.signal, "abort")).toHaveLength(1);
    await client.close();
    expect(getEventListeners(host.signal, "abort")).toHaveLength(0);
  });
});
