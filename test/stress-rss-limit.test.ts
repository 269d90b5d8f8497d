// Note [The RSS limit] (src/stress/checks.ts): RSS is held to its own limit,
// by default 4 × the slope limit; the exact series keep the slope limit.

import { expect, test } from "vitest";
import { evaluateChecks, type SeriesFit } from "../src/stress/checks.js";
import { reproduceCommand, resolveStressOptions } from "../src/stress/options.js";
import { Evidence } from "../src/stress/evidence.js";

test("the RSS limit defaults to 4 × the slope limit, follows it, and can be set apart", () => {
  expect(resolveStressOptions({}).rssSlopeLimit).toBe(256);
  expect(resolveStressOptions({ slopeLimit: 100 }).rssSlopeLimit).toBe(400);
  const own = resolveStressOptions({ rssSlopeLimit: 64 });
  expect(own.rssSlopeLimit).toBe(64);
  expect(reproduceCommand(own, 10)).toContain("--rss-slope-limit 64");
  expect(reproduceCommand(resolveStressOptions({ slopeLimit: 100 }), 10)).not.toContain("--rss-slope-limit");
  expect(() => resolveStressOptions({ rssSlopeLimit: -1 })).toThrow(/rssSlopeLimit/);
});

test("a slope of 100 B/cycle passes RSS at its default limit but fails an exact series", () => {
  const fit: SeriesFit = { slope: 100, intercept: 0, slopeStdError: 5, n: 70, fromCycle: 3_000, toCycle: 10_000 };
  const fits = { rss: fit, external: fit, arrayBuffers: { ...fit, slope: 0 }, heapUsed: { ...fit, slope: 0 } };
  const evidence = new Evidence();
  const verdicts = (rssSlopeLimit: number) => {
    const checks = evaluateChecks(evidence, { slopeLimit: 64, rssSlopeLimit, minSlopeSpan: 2_000, warmupCycles: 3_000 }, fits);
    return Object.fromEntries(checks.filter((c) => c.id.endsWith("slope")).map((c) => [c.id, c.verdict]));
  };
  expect(verdicts(256)).toEqual({ "rss-slope": "pass", "external-slope": "fail", "array-buffers-slope": "pass", "heap-slope": "pass" });
  expect(verdicts(64)["rss-slope"]).toBe("fail");
});
