// bench/stats.ts: the median, paired ratios and the bootstrap interval that
// multi-process bench runs report (Note [Paired ratios over processes]).

import { describe, expect, test } from "vitest";
import { bootstrapMedian, median, meetsAtMost, pairedRatios, quantileSorted } from "../bench/stats.js";

describe("median", () => {
  test("is the middle value, or the mean of the two middle values", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  test("does not reorder its input and refuses an empty list", () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
    expect(() => median([])).toThrow(RangeError);
  });
});

describe("pairedRatios", () => {
  test("divides each of ours by the peer's figure from the same process", () => {
    expect(pairedRatios([2, 3, 10], [1, 2, 8])).toEqual([2, 1.5, 1.25]);
  });

  test("refuses lists that do not pair up, and figures that cannot be divided", () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow(/pair up/);
    expect(() => pairedRatios([1], [0])).toThrow(RangeError);
    expect(() => pairedRatios([Number.NaN], [1])).toThrow(RangeError);
    expect(() => pairedRatios([1], [-1])).toThrow(RangeError);
  });

  test("a ratio is paired, not a ratio of medians: a slow process slows both sides", () => {
    // Process 3 ran twice as slow on both sides; its paired ratio is the same as the others'.
    const ours = [110, 112, 220];
    const peer = [100, 100, 200];
    expect(median(pairedRatios(ours, peer))).toBeCloseTo(1.1, 12);
  });
});

describe("bootstrapMedian", () => {
  const ratios = [1.02, 1.11, 1.07, 1.3, 1.05, 1.09, 0.98, 1.15, 1.08, 1.12];

  test("the estimate is the median, inside an interval within the data's range", () => {
    const ci = bootstrapMedian(ratios, { seed: 1 });
    expect(ci.estimate).toBe(median(ratios));
    expect(ci.low).toBeLessThanOrEqual(ci.estimate);
    expect(ci.high).toBeGreaterThanOrEqual(ci.estimate);
    expect(ci.low).toBeGreaterThanOrEqual(Math.min(...ratios));
    expect(ci.high).toBeLessThanOrEqual(Math.max(...ratios));
    expect(ci.n).toBe(ratios.length);
    expect(ci.confidence).toBe(0.95);
  });

  test("is reproducible from its seed, and another seed draws other resamples", () => {
    expect(bootstrapMedian(ratios, { seed: 42 })).toEqual(bootstrapMedian(ratios, { seed: 42 }));
    const a = bootstrapMedian(ratios, { seed: 42, resamples: 200 });
    const b = bootstrapMedian(ratios, { seed: 43, resamples: 200 });
    expect([a.low, a.high]).not.toEqual([b.low, b.high]);
  });

  test("matches the exact percentiles of the resampled medians for a tiny case", () => {
    // Two values: a resample's median is a (¼), (a+b)/2 (½) or b (¼). With many
    // resamples the 2.5 % and 97.5 % quantiles are a and b.
    const ci = bootstrapMedian([1, 3], { seed: 7, resamples: 20_000 });
    expect(ci.low).toBe(1);
    expect(ci.high).toBe(3);
    expect(ci.estimate).toBe(2);
  });

  test("narrows as the processes agree, and a single value is its own interval", () => {
    const tight = bootstrapMedian([1.1, 1.1, 1.1, 1.1, 1.1], { seed: 3 });
    expect([tight.low, tight.high]).toEqual([1.1, 1.1]);
    const one = bootstrapMedian([1.4], { seed: 3 });
    expect([one.low, one.estimate, one.high]).toEqual([1.4, 1.4, 1.4]);
    const wide = bootstrapMedian([0.8, 1.0, 1.2, 1.4, 1.6], { seed: 3 });
    expect(wide.high - wide.low).toBeGreaterThan(0.2);
  });

  test("covers the true median about 95 % of the time (seeded simulation)", () => {
    // Lognormal-ish ratios around 1.2 (true median 1.2), 10 processes a trial.
    let state = 12345;
    const uniform = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state + 0.5) / 2 ** 32;
    };
    const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    let covered = 0;
    const trials = 300;
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: 10 }, () => 1.2 * Math.exp(0.1 * normal()));
      const ci = bootstrapMedian(xs, { seed: t, resamples: 2000 });
      if (ci.low <= 1.2 && 1.2 <= ci.high) covered++;
    }
    // The percentile bootstrap of a median with n = 10 is a little liberal or
    // conservative depending on the draws; it must be near 95 %, not near 50 %.
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThan(0.995);
  });

  test("refuses no values and nonsense options", () => {
    expect(() => bootstrapMedian([], { seed: 1 })).toThrow(RangeError);
    expect(() => bootstrapMedian([1], { seed: 1, resamples: 0 })).toThrow(/resamples/);
    expect(() => bootstrapMedian([1], { seed: 1, confidence: 1 })).toThrow(/confidence/);
  });
});

describe("targets against an interval", () => {
  test("are met only when the upper end is under the target", () => {
    const interval = { estimate: 1.2, low: 1.1, high: 1.3, confidence: 0.95, n: 10 };
    expect(meetsAtMost(interval, 1.25)).toBe(false);
    expect(meetsAtMost(interval, 1.3)).toBe(true);
  });
});

describe("quantileSorted", () => {
  test("interpolates between neighbours", () => {
    expect(quantileSorted([0, 10], 0.25)).toBe(2.5);
    expect(quantileSorted([1, 2, 3], 1)).toBe(3);
  });
});
