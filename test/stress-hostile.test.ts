// The hostile stress workload (src/stress/workloads/hostile.ts) passes a short
// run in the default rotation's company, and it would notice a runtime that
// let a hostile call through as anything but a package error: its checks are
// exact (Note [Hostile workload checks]).

import { expect, test } from "vitest";
import { runStress } from "../src/stress/harness.js";
import { DEFAULT_WORKLOAD, workloadEntries } from "../src/stress/registry.js";

test("hostile is in the default rotation", () => {
  expect(workloadEntries(DEFAULT_WORKLOAD).map((e) => e.workload.name)).toContain("hostile");
});

test("the hostile workload passes: every hostile call a package error or stored as itself, every finaliser run once", async () => {
  const result = await runStress({ cycles: 16, seconds: 0, seed: 16, workload: "hostile", samples: 4, restarts: 4, restartEvery: 8 });
  expect(result.checks.filter((c) => c.verdict === "fail").map((c) => `${c.id}: ${c.detail}`)).toEqual([]);
  expect(result.verdict).toBe("PASS");
  const tally = result.workloads.find((w) => w.name === "hostile")!;
  expect(tally.figures.refused).toBeGreaterThan(tally.cycles);
  expect(tally.figures.stored).toBeGreaterThan(tally.cycles);
});
