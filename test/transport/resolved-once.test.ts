import { describe, expect, it } from "vitest";
import { PlanExeClient } from "../../src/client.js";
import { watchPlan } from "../../src/sse/watch-plan.js";
import { createManualClock } from "../../src/testing/index.js";
import { resolveConfig } from "../../src/transport/config.js";
import { resolveRetryOptions } from "../../src/transport/policy/retry-options.js";
import { createResilientFetch } from "../../src/transport/resilient-fetch.js";

const SSE_URL = "https://mcp.planexe.org/sse/plan/5a0f3c1e-8d2b-4c47-9e0a-2f6d7b1c9e44";

describe("options are resolved once, and a clock is given one way", () => {
  it("a clock inside `retry` is refused, by the type checker and at run time, with the call to write instead", () => {
    const clock = createManualClock();
    const calls = [
      // @ts-expect-error -- the clock goes beside retry, not inside it
      () => createResilientFetch({ retry: { clock } }),
      // @ts-expect-error -- the clock goes beside retry, not inside it
      () => watchPlan(SSE_URL, { retry: { clock } }),
      // @ts-expect-error -- the clock goes beside retry, not inside it
      () => new PlanExeClient({ baseUrl: "https://mcp.planexe.org", retry: { clock } }),
    ];
    for (const call of calls) expect(call).toThrow(/clock, retry: \{/);
  });

  it("resolved options cannot be handed back to anything that resolves them (a type error)", () => {
    const retry = resolveRetryOptions({ deadlineMs: 5_000 });
    // @ts-expect-error -- ResolvedRetryOptions is not RetryOptions: no second resolution
    createResilientFetch({ retry });
    // @ts-expect-error -- nor to the resolver itself
    expect(() => resolveRetryOptions(retry)).not.toThrow();
    const config = resolveConfig({ retry: { deadlineMs: 5_000 } });
    expect(config.retry.deadlineMs).toBe(5_000);
    // @ts-expect-error -- a ResolvedConfig is made by resolveConfig only
    const forged: typeof config = { ...{ clock: config.clock, retry: config.retry } };
    void forged; // the three lines above are checked by tsc (npm run typecheck), not at run time
  });
});
