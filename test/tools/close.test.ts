import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { CallScope } from "../../src/tools/call-scope.js";
import { rejection, setup } from "./helpers.js";

describe("PlanExeClient.close()", () => {
  it("while the first call is still connecting through an outage: the call rejects and the connect stops retrying", async () => {
    const { double, clock, client } = setup();
    double.deploy.restart({ windowMs: 120_000 });
    const pending = client.getStatus("00000000-0000-4000-8000-000000000000");
    const failed = rejection(pending);
    await clock.advance(5_000);
    expect(double.requests.count({ rpcMethod: "initialize" })).toBeGreaterThan(0);

    await client.close();
    expect((await failed).name).toBe("AbortError");
    // Counted, not timed: a probe may have gone out at the very ms of close(), before it.
    const sentByClose = double.requests.count();
    await clock.advance(60_000);
    expect(double.requests.count()).toBe(sentByClose);
  });

  it("ends a connected call's wait through an outage (a call without a signal of its own)", async () => {
    const { double, clock, client, run } = setup();
    const plan = await run(client.createPlan("close during an outage"));
    double.deploy.restart({ windowMs: 120_000 });
    const failed = rejection(client.getStatus(plan.plan_id));
    await clock.advance(5_000);
    const sentAfterDown = double.requests.count({ rpcMethod: "tools/call" });
    expect(sentAfterDown).toBeGreaterThan(1);

    await client.close();
    expect((await failed).name).toBe("AbortError");
    // Counted, not timed: a probe may have gone out at the very ms of close(), before it.
    const sentByClose = double.requests.count();
    await clock.advance(60_000);
    expect(double.requests.count()).toBe(sentByClose);
  });

  it("detaches from the host's signal, which may outlive many clients", async () => {
    const host = new AbortController();
    const { client } = setup({}, { signal: host.signal });
    expect(getEventListeners(host.signal, "abort")).toHaveLength(1);
    await client.close();
    expect(getEventListeners(host.signal, "abort")).toHaveLength(0);
  });
});

describe("many calls at once", () => {
  it("30 concurrent calls and 12 watches raise no MaxListenersExceededWarning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    const { client, clock, run, close } = setup({ planSeconds: 30 });
    try {
      const plans = await run(
        Promise.all(Array.from({ length: 30 }, (_, i) => client.createPlan(`plan ${i}`))),
      );
      await run(Promise.all(plans.map((plan) => client.getStatus(plan.plan_id))));
      const finals = plans.slice(0, 12).map((plan) => client.waitForPlan(plan.plan_id));
      await clock.runUntil(Promise.all(finals), { maxMs: 3_600_000 });
      // Warnings are emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
      await close();
    }
    expect(warnings.filter((name) => name === "MaxListenersExceededWarning")).toEqual([]);
  });
});

describe("CallScope", () => {
  it("gives calls without a signal one signal that close() aborts, and links a call's own signal until it exits", () => {
    const scope = new CallScope();
    const first = scope.enter();
    const second = scope.enter();
    expect(second.signal).toBe(first.signal);
    const caller = new AbortController();
    const own = scope.enter(caller.signal);
    expect(own.signal).not.toBe(first.signal);
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(1);
    own.exit();
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);

    const linked = scope.enter(caller.signal);
    const reason = new Error("closed");
    scope.close(reason);
    expect(first.signal.reason).toBe(reason);
    expect(linked.signal.reason).toBe(reason);
    expect(scope.enter().signal.reason).toBe(reason);
    expect(scope.enter(new AbortController().signal).signal.reason).toBe(reason);
  });

  it("aborts a linked call with its caller's reason", () => {
    const scope = new CallScope();
    const caller = new AbortController();
    const call = scope.enter(caller.signal);
    caller.abort(new Error("user gave up"));
    expect((call.signal.reason as Error).message).toBe("user gave up");
    expect(scope.enter().signal.aborted).toBe(false);
  });
});
