import { describe, expect, it } from "vitest";
import { bootstrapRatio, quantile } from "../../bench/lib/stats.js";

/** Deterministic samples with a long tail, like call latencies. */
const latencies = Array.from(
  { length: 4_000 },
  (_, i) => 1 + (((i * 7919) % 4_000) ** 4 / 4_000 ** 4) * 5,
);

describe("bootstrapRatio", () => {
  it("brackets the ratio of two samples' quantiles, and an equal pair around 1", () => {
    const doubled = latencies.map((x) => x * 2);
    for (const q of [0.5, 0.99]) {
      const [low, high] = bootstrapRatio(doubled, latencies, q);
      expect(low).toBeLessThanOrEqual(2);
      expect(high).toBeGreaterThanOrEqual(2);
    }
    const median = bootstrapRatio(latencies, latencies, 0.5);
    expect(median[0]).toBeLessThan(1);
    expect(median[1]).toBeGreaterThan(1);
  });

  it("gives the same interval for the same samples and seed", () => {
    expect(bootstrapRatio(latencies, latencies, 0.99)).toEqual(
      bootstrapRatio(latencies, latencies, 0.99),
    );
    expect(quantile(latencies, 0.5)).toBeGreaterThan(1);
  });
});
