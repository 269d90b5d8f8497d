// The finalise stress workload passes, and each finalisation fault ends the
// run in FAIL on `integrity`, naming what the exit broke.

import { expect, test } from "vitest";
import { runStress } from "../src/stress/harness.js";
import { hostFaultOn } from "../src/core/faults.js";

/**
 * 24 cycles cannot judge a memory slope (Note [Judged span], checks.ts): the
 * slopes are printed, not judged, and the claims here are the exact checks.
 */
const SHORT = { cycles: 24, seconds: 0, seed: 11, workload: "finalise", samples: 6, restarts: 4, restartEvery: 12 } as const;

function failedIds(result: Awaited<ReturnType<typeof runStress>>): string[] {
  return result.checks.filter((c) => c.verdict === "fail").map((c) => c.id);
}

test("the finalise workload passes: every resource closed, every library unloaded and collected", async () => {
  const result = await runStress(SHORT);
  expect(failedIds(result)).toEqual([]);
  expect(result.verdict).toBe("PASS");
  const libraries = result.checks.find((c) => c.id === "libraries-collected")!;
  expect(libraries.verdict).toBe("pass");
  const tally = result.workloads.find((w) => w.name === "finalise")!;
  expect(tally.figures.libraries).toBeGreaterThanOrEqual(tally.cycles);
  expect(tally.figures.resources).toBeGreaterThan(0);
  expect(tally.figures["left for exit"]).toBeGreaterThan(0);
  expect(libraries.figure).toBe(`${tally.figures.libraries}/${tally.figures.libraries}`);
});

test("skip-heap-finalisation fails integrity: custom blocks never finalised", async () => {
  const result = await runStress({ ...SHORT, inject: ["skip-heap-finalisation"] });
  expect(result.verdict).toBe("FAIL");
  expect(failedIds(result)).toEqual(["integrity"]);
  expect(result.checks.find((c) => c.id === "integrity")!.detail).toMatch(/the exit destroyed the pool with \d+ custom block\(s\) never finalised/);
  expect(result.reproduce).toContain("--inject skip-heap-finalisation");
  expect(hostFaultOn("skip-heap-finalisation")).toBe(false);
});

test("unload-libraries-early fails integrity: a finaliser whose library is gone is an error", async () => {
  const result = await runStress({ ...SHORT, inject: ["unload-libraries-early"] });
  expect(result.verdict).toBe("FAIL");
  expect(failedIds(result)).toEqual(["integrity"]);
  expect(result.checks.find((c) => c.id === "integrity")!.detail).toMatch(/finaliser\(s\) failed in the cycle; first: testlib#\d\.finalise \(shutdown\): LibraryError: .*the library was unloaded before this finaliser ran/);
  expect(hostFaultOn("unload-libraries-early")).toBe(false);
});
