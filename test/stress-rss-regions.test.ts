// Note [RSS by region] (src/stress/rss-regions.ts): each sample splits RSS
// into file-backed pages, glibc's main arena and the other anonymous maps,
// and the summary names the region whose slope rose.

import { expect, test } from "vitest";
import { runStress } from "../src/stress/harness.js";
import { describeRegionFits, fitRegions } from "../src/stress/region-fits.js";
import { parseSmaps, readRssRegions, type RssRegions } from "../src/stress/rss-regions.js";
import { formatSummary } from "../src/stress/summary.js";

const SMAPS = `55d0c6a00000-55d0c8a00000 r-xp 00000000 08:01 1234                       /usr/local/bin/node
Size:              32768 kB
Rss:               20480 kB
Anonymous:             0 kB
55d0ca000000-55d0ca400000 rw-p 00000000 00:00 0                          [heap]
Size:               4096 kB
Rss:                3072 kB
Anonymous:          3072 kB
7f0000000000-7f0000100000 rw-p 00000000 00:00 0 
Size:               1024 kB
Rss:                 512 kB
Anonymous:           512 kB
7f1000000000-7f1000200000 r--p 00000000 08:01 99                         /usr/lib/x86_64-linux-gnu/libc.so.6
Size:               2048 kB
Rss:                1024 kB
7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]
Size:                132 kB
Rss:                  64 kB
7ffd00100000-7ffd00102000 r-xp 00000000 00:00 0                          [vdso]
Size:                  8 kB
Rss:                   4 kB
`;

test("smaps text splits into file-backed, main arena and other anonymous pages", () => {
  expect(parseSmaps(SMAPS)).toEqual({ fileBacked: (20480 + 1024) * 1024, mainArena: 3072 * 1024, anonymous: (512 + 64 + 4) * 1024 });
  expect(parseSmaps("")).toEqual({ fileBacked: 0, mainArena: 0, anonymous: 0 });
});

test.runIf(process.platform === "linux")("this process has pages in every region, adding up to about its RSS", () => {
  const regions = readRssRegions()!;
  for (const bytes of Object.values(regions)) expect(bytes).toBeGreaterThan(0);
  const sum = regions.fileBacked + regions.mainArena + regions.anonymous;
  const rss = process.memoryUsage().rss;
  expect(sum).toBeGreaterThan(rss / 2);
  expect(sum).toBeLessThan(rss * 2);
});

test("the region that grows gets the slope, over the samples after the warm-up", () => {
  const samples = Array.from({ length: 20 }, (_, i) => {
    const cycle = i * 100;
    // 10 B/cycle in the main arena after cycle 500; a step before it, which the warm-up leaves out.
    const regions: RssRegions = { fileBacked: 40 << 20, mainArena: (cycle < 500 ? 1 << 20 : 3 << 20) + cycle * 10, anonymous: 12 << 20 };
    return { cycle, regions };
  });
  const fits = fitRegions(samples, 500)!;
  expect(fits.mainArena.slope).toBeCloseTo(10, 6);
  expect(fits.fileBacked.slope).toBeCloseTo(0, 6);
  expect(fits.anonymous.slope).toBeCloseTo(0, 6);
  expect(fits.mainArena.fromCycle).toBe(500);
  expect(describeRegionFits(fits)).toMatch(/glibc main arena \(\[heap\]\) 10\.0 ± 0\.0 /);
  // Samples without regions (no /proc) give no fit, rather than a fit of zeros.
  expect(fitRegions(samples.map(({ cycle }) => ({ cycle })), 0)).toBeUndefined();
});

test.runIf(process.platform === "linux")("a run's samples carry regions and its summary prints their slopes", async () => {
  if (typeof globalThis.gc !== "function") throw new Error("this test needs gc(): vitest.config.ts must run it with --expose-gc");
  const result = await runStress({ workload: "pool-churn", cycles: 60, seconds: 0, seed: 7, restartEvery: 30, restarts: 4, samples: 20, slopeLimit: 16 << 10 });
  for (const sample of result.samples) expect(sample.regions?.mainArena).toBeGreaterThan(0);
  expect(result.regionFits).toBeDefined();
  expect(formatSummary(result)).toMatch(/^RSS by region, B\/cycle over cycles .*: file-backed .*, glibc main arena \(\[heap\]\) .*, other anonymous .*$/m);
});
