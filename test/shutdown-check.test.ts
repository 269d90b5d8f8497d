// The shutdown check (UNLOADABLE_SHUTDOWN_CHECK=1, src/final/shutdown-check.ts):
// what it counts as broken. `npm run test:shutdown-check` runs the whole
// suite with it on; here its rules are checked directly.

import { expect, test } from "vitest";
import { Runtime, type ShutdownReport } from "../src/index.js";
import { exitProblems } from "../src/final/shutdown-check.js";

async function cleanReport(): Promise<ShutdownReport> {
  const rt = await Runtime.start();
  rt.custom(1, () => {});
  return rt.shutdown();
}

test("a clean exit breaks nothing", async () => {
  const report = await cleanReport();
  expect(exitProblems(report, { createdCount: 1, finalisedCount: 1, duplicates: 0, functionsRegisteredCount: 0, functionsRunCount: 0 })).toEqual([]);
});

test("each broken promise is named: not finalised, finalised twice, a function not run, unfinalised at destroy, pool not empty", async () => {
  const report = await cleanReport();
  expect(exitProblems(report, { createdCount: 3, finalisedCount: 2, duplicates: 0, functionsRegisteredCount: 0, functionsRunCount: 0 })).toEqual(["3 custom block(s) were made but 2 finalised"]);
  expect(exitProblems(report, { createdCount: 2, finalisedCount: 2, duplicates: 1, functionsRegisteredCount: 0, functionsRunCount: 0 })).toEqual(["1 finaliser(s) came up to run a second time"]);
  expect(exitProblems(report, { createdCount: 1, finalisedCount: 1, duplicates: 0, functionsRegisteredCount: 5, functionsRunCount: 4 })).toEqual(["5 finalise / finaliseLast / weak function(s) were registered but 4 ran and 0 were dropped"]);
  expect(exitProblems({ ...report, finalisersDropped: 1 }, { createdCount: 1, finalisedCount: 1, duplicates: 0, functionsRegisteredCount: 5, functionsRunCount: 4 })).toEqual([]);
  expect(exitProblems({ ...report, customBlocksUnfinalised: 4 }, undefined)).toEqual(["4 custom block(s) were still unfinalised when the pool was destroyed"]);
  expect(exitProblems({ ...report, leakedBlocks: 1, leakedBytes: 65536 }, undefined)).toEqual(["the pool still counted 1 block(s) / 65536 byte(s) after destroy"]);
});
