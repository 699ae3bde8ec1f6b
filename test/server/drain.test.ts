import { describe, expect, it } from "vitest";
import { collect, PLAN_ID, setup, snapshot, streamRequest } from "./helpers.js";

describe("drain", () => {
  it("ends every open stream with a short retry block, then refuses new streams with 503", async () => {
    const other = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
    const { handler, clock } = setup([snapshot(), snapshot({ plan_id: other })]);
    const a = collect(await handler(streamRequest(PLAN_ID)));
    const b = collect(await handler(streamRequest(other)));
    await clock.advance(10_000);
    expect(handler.openStreams).toBe(2);

    handler.drain();
    await Promise.all([a.finished, b.finished]);
    for (const body of [a, b]) {
      expect(body.text.endsWith("\n\nretry: 250\n\n")).toBe(true);
      expect(body.blocks.filter((block) => block.startsWith("event:"))).toHaveLength(1);
    }
    expect(handler.openStreams).toBe(0);
    expect(clock.pendingTimers).toBe(0);

    const refused = await handler(streamRequest(PLAN_ID));
    expect(refused.status).toBe(503);
    expect((await refused.json()).error.code).toBe("SERVER_DRAINING");
  });

  it("takes a retry override and is idempotent", async () => {
    const { handler } = setup([snapshot()]);
    const body = collect(await handler(streamRequest()));
    handler.drain({ retryMs: 0 });
    handler.drain();
    await body.finished;
    expect(body.blocks.at(-1)).toBe("retry: 0");
    expect(() => handler.drain({ retryMs: 1.5 })).toThrow(TypeError);
  });

  it("refuses a request that was still reading its first snapshot when the drain began", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { handler } = setup([], {
      getSnapshot: async () => {
        await gate;
        return snapshot();
      },
    });
    const pending = handler(streamRequest());
    handler.drain();
    release();
    expect((await pending).status).toBe(503);
    expect(handler.openStreams).toBe(0);
  });

  it("cuts streams with no further byte when emulating today's PlanExe (no drain there)", async () => {
    const { handler, clock } = setup([snapshot()], { emulateToday: true });
    const body = collect(await handler(streamRequest()));
    await clock.settle();
    const before = body.text;
    handler.drain();
    await expect(body.finished).rejects.toThrow(/terminated/);
    expect(body.text).toBe(before);
  });
});
