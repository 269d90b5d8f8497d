// Periodic workloads in a rotation (`name@N`, Note [Rotating workloads]) and
// the warm-up that ends after every workload's first turn (Note [Every
// workload's first turn is warm-up]).

import { describe, expect, test } from "vitest";
import { ArgumentError } from "../src/core/errors.js";
import { runStress } from "../src/stress/harness.js";
import { warmupEnd } from "../src/stress/checks.js";
import { Rotation, workloadEntries } from "../src/stress/registry.js";

/** See test/stress-harness.test.ts: short runs get a looser slope limit. */
const SHORT_RUN_SLOPE_LIMIT = 16 << 10;
/** A ~1 MB glibc arena step over a 10-cycle fit, with room: see the warm-up test. */
const SHORT_RUN_RSS_SLOPE_LIMIT = 256 << 10;

function requireGc(): void {
  if (typeof globalThis.gc !== "function") throw new Error("these tests need gc(): vitest.config.ts must run them with --expose-gc");
}

function turns(selection: string, n: number): string[] {
  const rotation = new Rotation(workloadEntries(selection));
  return Array.from({ length: n }, () => rotation.next().name);
}

describe("rotation", () => {
  test("a periodic workload takes turns period−1, 2·period−1, …; the others share the rest in list order", () => {
    expect(turns("pool-churn,heap,pipeline@4", 9)).toEqual([
      "pool-churn", "heap", "pool-churn", "pipeline", "heap", "pool-churn", "heap", "pipeline", "pool-churn",
    ]);
  });

  test("two periodic workloads due on the same turn take consecutive turns, in list order, and lose none", () => {
    const got = turns("pool-churn,pipeline@3,finalise@3", 12);
    expect(got).toEqual([
      "pool-churn", "pool-churn", "pipeline", "finalise", "pool-churn", "pipeline", "finalise", "pool-churn", "pipeline", "finalise", "pool-churn", "pipeline",
    ]);
    expect(got.filter((n) => n === "pipeline").length).toBe(4);
  });

  test("periods are validated and written back as given", async () => {
    expect(workloadEntries("heap, pipeline@250").map((e) => [e.workload.name, e.period])).toEqual([["heap", 1], ["pipeline", 250]]);
    expect(() => workloadEntries("pipeline@250")).toThrow(ArgumentError);
    expect(() => workloadEntries("heap,pipeline@2,finalise@2")).toThrow(/leaves no turns/);
    expect(() => workloadEntries("heap,pipeline@1")).toThrow(/period in 'pipeline@1' must be a whole number from 2/);
    expect(() => workloadEntries("heap,pipeline@x")).toThrow(/period in 'pipeline@x'/);
    expect(() => workloadEntries("heap,nope@3")).toThrow(/unknown workload "nope"/);
    await expect(runStress({ workload: "pipeline@3" })).rejects.toThrow(ArgumentError);
  });
});

describe("warm-up", () => {
  test("ends at the warm-up share, or after the last workload's first turn if later", () => {
    expect(warmupEnd(10_000, 0.3, 3)).toBe(3_000);
    expect(warmupEnd(10_000, 0.3, 5_000)).toBe(5_000);
    expect(warmupEnd(100, 0.3, 400)).toBe(100);
  });

  test("a run whose periodic workload first runs late leaves that first turn out of the fits", async () => {
    requireGc();
    // pipeline-short first runs on fresh turn 29 (cycle 29): past 30 % of 40 cycles.
    // The fits then span 10 cycles, in which one ~1 MB step of glibc's main
    // arena (docs/stress.md, "Where the last bytes per cycle go") reads as
    // ~100 KiB a cycle of RSS: RSS gets room for one such step; the series the
    // warm-up is for (external, arrayBuffers: the late turn's wasm memory) keep
    // the short-run limit.
    const result = await runStress({ workload: "pool-churn,pipeline-short@30", cycles: 40, seconds: 0, seed: 21, mode: "fresh", samples: 40, slopeLimit: SHORT_RUN_SLOPE_LIMIT, rssSlopeLimit: SHORT_RUN_RSS_SLOPE_LIMIT, minSlopeSpan: 0 });
    const failed = result.checks.filter((c) => c.verdict !== "pass");
    expect(result.verdict, JSON.stringify(failed)).toBe("PASS");
    expect(result.workloads.map((w) => [w.name, w.cycles])).toEqual([["pool-churn", 39], ["pipeline-short", 1]]);
    expect(result.warmupCycles).toBe(30);
    expect(result.fits.external!.fromCycle).toBe(30);
  });

  test("a leak still fails with the first turns left out: instance-leak over a rotation with a periodic workload", async () => {
    requireGc();
    const result = await runStress({ workload: "pool-churn,pipeline-short@20", cycles: 60, seconds: 0, seed: 22, mode: "fresh", samples: 30, inject: ["instance-leak"], slopeLimit: SHORT_RUN_SLOPE_LIMIT, minSlopeSpan: 0 });
    expect(result.verdict).toBe("FAIL");
    expect(result.warmupCycles).toBe(20);
    const failed = result.checks.filter((c) => c.verdict === "fail").map((c) => c.id);
    expect(failed).toEqual(expect.arrayContaining(["instances-collected", "memories-collected", "external-slope"]));
  });
});
