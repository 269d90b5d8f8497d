// The stress harness on a user's plugin (`unloadable stress --module FILE
// --entry NAME`): every check on a plugin built on the core, the faults
// caught there too, and a bare module judged only by the checks that apply.
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { runStress } from "../src/stress/harness.js";

/** See test/stress-harness.test.ts: short runs get a looser slope limit. */
const SHORT_RUN_SLOPE_LIMIT = 16 << 10;
const hello = readFileSync(new URL("../build/plugins/hello.wasm", import.meta.url));
const bare = readFileSync(new URL("../build/plugins/bare.wasm", import.meta.url));

function verdicts(result: Awaited<ReturnType<typeof runStress>>): Record<string, string> {
  return Object.fromEntries(result.checks.map((c) => [c.id, c.verdict]));
}

test("a plugin passes every check: pool at 0 after each exit, restart fixpoint, instances and memories collected", async () => {
  const result = await runStress({ module: hello, modulePath: "hello.wasm", entry: "buildList", entryArgs: [20_000], cycles: 60, seconds: 0, seed: 3, restartEvery: 20, restarts: 6, samples: 10, slopeLimit: SHORT_RUN_SLOPE_LIMIT });
  expect(result.verdict).toBe("PASS");
  expect(verdicts(result)).toMatchObject({ "pool-outstanding": "pass", "restart-growth": "pass", "instances-collected": "pass", "memories-collected": "pass", integrity: "pass" });
  expect(result.workloads.map((w) => w.name)).toEqual(["plugin"]);
  expect(result.operations).toBeGreaterThanOrEqual(60);
  expect(result.reproduce).toContain("--module hello.wasm --entry buildList --args 20000");
});

test("--inject pool-leak on a plugin fails the pool check", async () => {
  const result = await runStress({ module: hello, entry: "buildList", entryArgs: [100], cycles: 20, seconds: 0, seed: 4, mode: "fresh", samples: 5, inject: ["pool-leak"], slopeLimit: SHORT_RUN_SLOPE_LIMIT });
  expect(result.verdict).toBe("FAIL");
  expect(verdicts(result)["pool-outstanding"]).toBe("fail");
});

test("an entry whose answer depends on earlier cycles is a violation: a global carried across restarts", async () => {
  const fresh = await runStress({ module: hello, entry: "countCalls", cycles: 5, seconds: 0, seed: 4, mode: "fresh", samples: 3, slopeLimit: SHORT_RUN_SLOPE_LIMIT });
  expect(verdicts(fresh).integrity).toBe("pass");
  const restarted = await runStress({ module: hello, entry: "countCalls", cycles: 1, seconds: 0, seed: 4, mode: "restart", restarts: 3, samples: 1, slopeLimit: SHORT_RUN_SLOPE_LIMIT });
  expect(verdicts(restarted).integrity).toBe("fail");
  expect(restarted.checks.find((c) => c.id === "integrity")!.detail).toMatch(/countCalls\(\) answered 2, but 1 in the first cycle/);
});

test("a module not built on the core runs bare: collection checks judged, the core's checks reported as skipped", async () => {
  const result = await runStress({ module: bare, modulePath: "bare.wasm", entry: "work", entryArgs: [100_000], cycles: 30, seconds: 0, seed: 2, samples: 5, slopeLimit: SHORT_RUN_SLOPE_LIMIT });
  const byId = Object.fromEntries(result.checks.map((c) => [c.id, c]));
  expect(byId["pool-outstanding"]!.verdict).toBe("n/a");
  expect(byId["pool-outstanding"]!.figure).toMatch(/skipped: the module is not built on the unloadable core/);
  expect(byId["restart-growth"]!.figure).toMatch(/skipped/);
  expect(byId["instances-collected"]!.verdict).toBe("pass");
  expect(byId["instances-collected"]!.figure).toBe("30/30");
  expect(result.verdict).toBe("PASS");
});

test("usage errors: an entry without a module, a missing export, a plugin and a workload at once", async () => {
  await expect(runStress({ entry: "x", cycles: 1 })).rejects.toThrow(/give the plugin too/);
  await expect(runStress({ module: bare, entry: "nope", cycles: 1 })).rejects.toThrow(/no function export 'nope'; its functions are work/);
  await expect(runStress({ module: hello, entry: "buildList", workload: "heap", cycles: 1 })).rejects.toThrow(/leave workload out/);
  await expect(runStress({ module: hello, cycles: 1 })).rejects.toThrow(/entry must name the export/);
});
