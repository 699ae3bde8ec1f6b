import { describe, expect, it, onTestFinished } from "vitest";
import { PlanExeClient } from "../../src/client.js";
import type { Logger } from "../../src/transport/logger.js";
import { KEY, setup } from "./helpers.js";

const WINDOW_MS = 30_000;

/** A logger with every level, keeping each line with its level. */
function recorder() {
  const lines: { level: string; line: string }[] = [];
  const logger: Required<Logger> = {
    debug: (line) => lines.push({ level: "debug", line }),
    info: (line) => lines.push({ level: "info", line }),
    warn: (line) => lines.push({ level: "warn", line }),
    error: (line) => lines.push({ level: "error", line }),
  };
  const matching = (pattern: RegExp) => lines.filter((l) => pattern.test(l.line));
  return { lines, logger, matching };
}

describe("the outage episode in the log", () => {
  it("one restart window: exactly one `down` and one `back` line (with how long), probes at debug, no key or plan id in any line", async () => {
    const log = recorder();
    const { double, clock, client, run } = setup({}, { logger: log.logger });
    const plan = await run(client.createPlan("A bakery in Lisbon"));
    const startedAt = clock.now();
    double.deploy.restart({ windowMs: WINDOW_MS });
    const pending = [0, 1, 2, 3].map(() => client.getStatus(plan.plan_id));
    await clock.advance(5_000);
    pending.push(client.getStatus(plan.plan_id));
    await run(Promise.all(pending));

    const down = log.matching(/ is down since /);
    const back = log.matching(/ is back after /);
    expect(down).toEqual([
      {
        level: "info",
        line: `planexe-client: ${new URL(double.baseUrl).origin} is down since ${new Date(startedAt).toISOString()}; requests wait on one probe of ${new URL(double.baseUrl).origin}/healthcheck every 1000 ms`,
      },
    ]);
    expect(back).toHaveLength(1);
    expect(back[0]?.level).toBe("info");
    const seconds = Number(
      / is back after (\d+\.\d) s \((\d+) probes\)/.exec(back[0]?.line ?? "")?.[1],
    );
    // Back within one probe interval of the window's end.
    expect(seconds).toBeGreaterThanOrEqual(WINDOW_MS / 1000);
    expect(seconds).toBeLessThanOrEqual(WINDOW_MS / 1000 + 1.5);
    const probes = log.matching(/: probe \d+ /);
    expect(probes.length).toBeGreaterThanOrEqual(WINDOW_MS / 1000 - 1);
    expect(probes.every((p) => p.level === "debug")).toBe(true);
    expect(probes.at(-1)?.line).toMatch(/answered HTTP 200$/);
    expect(probes[0]?.line).toMatch(/answered HTTP 502$/);
    for (const { line } of log.lines) {
      expect(line).not.toContain(KEY);
      expect(line).not.toContain(plan.plan_id);
    }
  });

  it("clients sharing one episode write each line once per logger, whoever was built first", async () => {
    const shared = recorder();
    const other = recorder();
    const { double, clock, client, run } = setup({}, { logger: shared.logger });
    const second = new PlanExeClient({
      baseUrl: double.baseUrl,
      apiKey: KEY,
      clock,
      fetch: double.fetch,
      logger: shared.logger,
    });
    const third = new PlanExeClient({
      baseUrl: double.baseUrl,
      apiKey: KEY,
      clock,
      fetch: double.fetch,
      logger: other.logger,
    });
    onTestFinished(async () => {
      await second.close();
      await third.close();
    });
    expect(second.episode).toBe(client.episode);
    expect(third.episode).toBe(client.episode);
    double.deploy.restart({ windowMs: WINDOW_MS });
    await run(
      Promise.all([client.examplePrompts(), second.examplePrompts(), third.examplePrompts()]),
    );
    for (const log of [shared, other]) {
      expect(log.matching(/ is down since /)).toHaveLength(1);
      expect(log.matching(/ is back after /)).toHaveLength(1);
    }
  });

  it("a logger with `warn` only gets the retry lines; a logger that throws fails no call", async () => {
    const warnings: string[] = [];
    const { double, client, run } = setup({}, { logger: { warn: (l) => warnings.push(l) } });
    const broken = new PlanExeClient({
      baseUrl: double.baseUrl,
      apiKey: KEY,
      clock: double.clock,
      fetch: double.fetch,
      logger: {
        info: () => {
          throw new Error("the host's logger broke");
        },
        warn: () => {
          throw new Error("the host's logger broke");
        },
      },
    });
    onTestFinished(() => broken.close());
    double.deploy.restart({ windowMs: WINDOW_MS });
    const results = await run(Promise.all([client.examplePrompts(), broken.examplePrompts()]));
    expect(results).toHaveLength(2);
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((l) => / failed \(.*\), attempt \d+; retrying in ~\d+ ms$/.test(l))).toBe(
      true,
    );
  });

  it("a key in a line the SDK writes is shown as ***", async () => {
    const log = recorder();
    const { client, run } = setup({}, { logger: log.logger });
    await run(client.sendFeedback(`typo ${KEY}`, "sent with the key in its category"));
    const warned = log.matching(/send_feedback category/);
    expect(warned).toEqual([
      {
        level: "warn",
        line: expect.stringContaining('category "typo ***" is not one PlanExe documents'),
      },
    ]);
  });
});
