import { afterEach, describe, expect, it } from "vitest";
import { timeoutSignal } from "../../src/time/clock.js";
import { connectMcpClient, createPlan, openStream, startDouble, stopDoubles } from "./helpers.js";

afterEach(stopDoubles);

describe("ManualClock.runUntil with msw in-process I/O", () => {
  it("does not move time while requests are in flight", async () => {
    const double = startDouble();
    const client = await connectMcpClient();
    createPlan(double);
    const start = double.clock.now();
    // Aborts the calls if virtual time moves by even 1 ms before they finish.
    const deadline = timeoutSignal(1, { clock: double.clock });
    const results = await double.clock.runUntil(
      (async () => {
        const out: unknown[] = [];
        for (let i = 0; i < 10; i++) {
          out.push(
            await client.callTool(
              { name: "plan_list", arguments: {} },
              {
                signal: deadline.signal,
              },
            ),
          );
        }
        return out;
      })(),
    );
    deadline.dispose();
    expect(results).toHaveLength(10);
    expect(deadline.signal.aborted).toBe(false);
    expect(double.clock.now()).toBe(start);
  });

  it("moves time only as far as the awaited work needs", async () => {
    const double = startDouble({ planSeconds: 60 });
    const planId = createPlan(double);
    const stream = await openStream(planId);
    const start = double.clock.now();
    const realStart = performance.now();
    const end = await double.clock.runUntil(stream.end);
    expect(end.error).toBeUndefined();
    expect(end.text).toContain("event: complete");
    expect(end.text).toContain('"state": "completed"');
    const virtual = double.clock.now() - start;
    // 60 s of plan, seen by a stream that polls every 3 s (and a worker that polls every 1 s).
    expect(virtual).toBeGreaterThanOrEqual(60_000);
    expect(virtual).toBeLessThanOrEqual(65_000);
    expect(performance.now() - realStart).toBeLessThan(5_000);
  });

  it("rejects when maxMs of virtual time pass first", async () => {
    const double = startDouble();
    const never = new Promise<void>(() => {});
    await expect(double.clock.runUntil(never, { maxMs: 10_000 })).rejects.toThrow(
      /still pending after 10000 ms/,
    );
  });
});
