import { describe, expect, it } from "vitest";
import { PlanExeClient } from "../../src/client.js";
import { watchPlan } from "../../src/sse/watch-plan.js";
import { createPlanExeDouble } from "../../src/testing/index.js";
import { sharedEpisodeCount } from "../../src/transport/episode/registry.js";
import { createResilientFetch } from "../../src/transport/resilient-fetch.js";

const KEY = "pex_test_0123456789abcdef";
const WINDOW_MS = 30_000;
const BUILDERS = ["client", "fetch", "watch"] as const;
type Builder = (typeof BUILDERS)[number];

function orders(items: readonly Builder[]): Builder[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((first, i) =>
    orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]),
  );
}

/**
 * Builds a PlanExeClient, a createResilientFetch (probing `fetchProbe`) and a watchPlan
 * of one origin in `order`, takes the server down for a window while each of them has
 * a request out, and returns the paths the server saw probed and the episodes.
 */
async function probesSeen(order: Builder[], fetchProbe: string | undefined) {
  const double = createPlanExeDouble({ apiKeys: [KEY], planSeconds: 600 });
  const { clock } = double;
  const run = <T>(promise: Promise<T>) => clock.runUntil(promise, { maxMs: 600_000 });
  const base = { clock, fetch: double.fetch };
  // The stream URL comes from a plan made before any of the three is built.
  const setupClient = new PlanExeClient({ baseUrl: double.baseUrl, apiKey: KEY, ...base });
  const { sse_url } = await run(setupClient.createPlan("A plan to watch"));
  await setupClient.close();
  const stopWatch = new AbortController();
  const built: Partial<{
    client: PlanExeClient;
    fetch: ReturnType<typeof createResilientFetch>;
    watch: ReturnType<typeof watchPlan>;
  }> = {};
  for (const name of order) {
    if (name === "client")
      built.client = new PlanExeClient({ baseUrl: double.baseUrl, apiKey: KEY, ...base });
    if (name === "fetch")
      built.fetch = createResilientFetch({
        ...base,
        ...(fetchProbe !== undefined && { healthcheckPath: fetchProbe }),
      });
    if (name === "watch")
      built.watch = watchPlan(String(sse_url), { ...base, signal: stopWatch.signal });
  }
  const { client, fetch, watch } = built as Required<typeof built>;
  const window = double.deploy.restart({ windowMs: WINDOW_MS });
  const reconnected = (async () => {
    for await (const event of watch)
      if (event.type === "connected" && clock.now() >= window.endsAt) return;
  })();
  await run(
    Promise.all([
      client.examplePrompts(),
      fetch(new URL("/mcp", double.baseUrl), { method: "GET" }),
      reconnected,
    ]),
  );
  const probed = new Set(
    double.requests
      .filter({ since: window.at, until: window.endsAt + 5_000 })
      .map((entry) => entry.path)
      .filter((path) => /health/.test(path)),
  );
  const episodes = { client: client.episode, fetch: fetch.episode };
  stopWatch.abort();
  await watch.closed;
  await client.close();
  double.close();
  return { probed, episodes };
}

describe("one lease per origin: what is probed does not depend on what was built first", () => {
  for (const order of orders(BUILDERS)) {
    it(`${order.join(", ")}: all on the default probe share one episode and the server sees /healthcheck probed`, async () => {
      const { probed, episodes } = await probesSeen(order, undefined);
      expect([...probed]).toEqual(["/healthcheck"]);
      expect(episodes.fetch).toBe(episodes.client);
    });

    it(`${order.join(", ")}: a fetch told to probe /ready-health probes it, the client and the watch still probe /healthcheck`, async () => {
      const { probed, episodes } = await probesSeen(order, "/ready-health");
      expect([...probed].sort()).toEqual(["/healthcheck", "/ready-health"]);
      expect(episodes.fetch).not.toBe(episodes.client);
    });
  }
});

describe("a resilient fetch that cannot be made", () => {
  it("holds no shared episode: the bad option is refused before the origin's episode is leased", () => {
    const held = sharedEpisodeCount();
    expect(() =>
      createResilientFetch({ probeUrl: "https://lease.test/healthcheck", maxResponseBytes: 0 }),
    ).toThrow(TypeError);
    expect(sharedEpisodeCount()).toBe(held);
  });
});

describe("a client that cannot be made", () => {
  it("holds no shared episode: an option refused after the lease releases it", () => {
    const held = sharedEpisodeCount();
    expect(
      () => new PlanExeClient({ baseUrl: "https://lease.test/", maxResponseBytes: -1 }),
    ).toThrow(TypeError);
    expect(sharedEpisodeCount()).toBe(held);
  });
});
