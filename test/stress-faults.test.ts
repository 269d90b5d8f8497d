// Fault injection proves the harness notices leaks: each injected fault ends
// the run in FAIL, named by the check that caught it.

import { expect, test } from "vitest";
import { runStress } from "../src/stress/harness.js";
import { hostFaultOn } from "../src/core/faults.js";
import { releaseLeakedInstances } from "../src/runtime.js";

/** See test/stress-harness.test.ts: short runs get a looser slope limit. */
const SHORT_RUN_SLOPE_LIMIT = 16 << 10;

function requireGc(): void {
  if (typeof globalThis.gc !== "function") {
    throw new Error("these tests need gc(): vitest.config.ts must run them with --expose-gc");
  }
}

function failedIds(result: Awaited<ReturnType<typeof runStress>>): string[] {
  return result.checks.filter((c) => c.verdict === "fail").map((c) => c.id);
}

test("pool-leak fails the pool-outstanding check (one 64 KiB block per exit) and the ring sanity check", async () => {
  requireGc();
  const result = await runStress({ cycles: 40, seconds: 0, seed: 5, mode: "fresh", samples: 10, inject: ["pool-leak"], slopeLimit: SHORT_RUN_SLOPE_LIMIT });
  expect(result.verdict).toBe("FAIL");
  // The escaped block is counted but off the ring: the sanity checker sees that too.
  expect(failedIds(result)).toEqual(["pool-outstanding", "integrity"]);
  expect(result.checks.find((c) => c.id === "integrity")!.detail).toMatch(/sanity check 'ring' failed/);
  const pool = result.checks.find((c) => c.id === "pool-outstanding")!;
  // Each cycle: one clean exit (the restart that arms the fault), one leaking shutdown.
  expect(pool.figure).toBe("40 of 80 exits left blocks outstanding, worst 1 blocks / 65,536 bytes");
  expect(result.reproduce).toContain("--inject pool-leak");
});

test("pool-leak in restart mode also fails the memory.size() growth check", async () => {
  requireGc();
  const result = await runStress({ cycles: 4, seconds: 0, seed: 5, mode: "restart", restarts: 48, samples: 4, inject: ["pool-leak"], slopeLimit: SHORT_RUN_SLOPE_LIMIT });
  expect(result.verdict).toBe("FAIL");
  expect(failedIds(result)).toContain("pool-outstanding");
  expect(failedIds(result)).toContain("restart-growth");
  expect(result.checks.find((c) => c.id === "restart-growth")!.detail).toMatch(/memory\.size\(\) after restart cycles 1\.\.\d+: [\d, ]+ pages; cycle \d+ grew it/);
});

test("instance-leak fails the instance and memory collection checks, and is switched off after", async () => {
  requireGc();
  const result = await runStress({ cycles: 60, seconds: 0, seed: 6, mode: "fresh", samples: 12, inject: ["instance-leak"], slopeLimit: SHORT_RUN_SLOPE_LIMIT, minSlopeSpan: 0 });
  expect(result.verdict).toBe("FAIL");
  const failed = failedIds(result);
  expect(failed).toContain("instances-collected");
  expect(failed).toContain("memories-collected");
  // Each kept instance holds ≥ 1 MiB of wasm memory: external grows far beyond the limit.
  expect(failed).toContain("external-slope");
  expect(result.checks.find((c) => c.id === "instances-collected")!.figure).toBe("0/60");
  expect(failed).not.toContain("pool-outstanding");
  // The run cleaned up after itself: no fault left on, no instance left kept.
  expect(hostFaultOn("instance-leak")).toBe(false);
  expect(releaseLeakedInstances()).toBe(0);
});
