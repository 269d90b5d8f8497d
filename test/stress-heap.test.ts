// The heap workload of the stress harness: a short seeded run passes and
// really collects and verifies; with the write barrier broken on purpose
// (`barrier-skip`) the run fails, named by the check that caught it.

import { expect, test } from "vitest";
import { Random } from "../src/threads/random.js";
import { Runtime } from "../src/runtime.js";
import { runStress } from "../src/stress/harness.js";
import { compareGraph } from "../src/stress/heap-graph.js";
import { DEFAULT_WORKLOAD, workloadEntries } from "../src/stress/registry.js";
import { heap } from "../src/stress/workloads/heap.js";

// Process-memory slopes are left unjudged in these short runs (the default
// minSlopeSpan: Note [Judged span] in src/stress/checks.ts); the figures for
// the full default run are in docs/stress.md.

function requireGc(): void {
  if (typeof globalThis.gc !== "function") {
    throw new Error("these tests need gc(): vitest.config.ts must run them with --expose-gc");
  }
}

test("one cycle on its own: collections, graph checks and old-to-young stores happen, and objects are left for exit", async () => {
  const rt = await Runtime.start(heap.runtimeOptions);
  try {
    const outcome = await heap.run({ runtime: rt, random: new Random(7), cycle: 0 });
    expect(outcome.violation).toBeUndefined();
    const figures = outcome.figures!;
    expect(figures.collections).toBeGreaterThan(0);
    expect(figures.graphChecks).toBeGreaterThan(0);
    expect(figures.objectsChecked).toBeGreaterThan(0);
    expect(figures.oldToYoungStores).toBeGreaterThan(0);
    expect(outcome.verifications).toBeGreaterThan(figures.graphChecks!);
    expect(outcome.blocksLeft).toBeGreaterThan(0);
    // The workload asked for some collections; the nursery filling up started more.
    expect(figures.collections).toBeGreaterThan(figures.requestedCollections!);
    expect(rt.stats().heap.nursery.size).toBe(64 << 10);
    rt.checkSanity();
  } finally {
    const report = await rt.shutdown();
    expect([report.leakedBlocks, report.leakedBytes]).toEqual([0, 0]);
  }
});

test("a short seeded heap run passes every check, with collections and verifications counted", async () => {
  requireGc();
  const result = await runStress({ workload: "heap", cycles: 60, seconds: 0, seed: 31, restartEvery: 30, restarts: 4, samples: 10 });
  for (const check of result.checks) expect(check.verdict, `${check.id}: ${check.figure}; ${check.detail ?? ""}`).not.toBe("fail");
  for (const id of ["pool-outstanding", "restart-growth", "instances-collected", "memories-collected", "integrity"]) {
    expect(result.checks.find((c) => c.id === id)!.verdict).toBe("pass");
  }
  expect(result.verdict).toBe("PASS");
  const byId = Object.fromEntries(result.checks.map((c) => [c.id, c]));
  // 58 fresh exits + 2 series × 4 restarts + 2 series shutdowns.
  expect(byId["pool-outstanding"]!.figure).toBe("0 blocks / 0 bytes over 68 exits");
  expect(byId["restart-growth"]!.verdict).toBe("pass");
  expect(result.workloads.map((w) => w.name)).toEqual(["heap"]);
  const tally = result.workloads[0]!;
  expect(tally.cycles).toBe(58 + 2 * 4);
  expect(tally.figures.collections).toBeGreaterThan(tally.cycles);
  expect(tally.figures.graphChecks).toBeGreaterThan(tally.cycles);
  expect(tally.figures.oldToYoungStores).toBeGreaterThan(0);
  expect(tally.figures.hostRefsReleased).toBeGreaterThan(0);
  expect(tally.verifications).toBeGreaterThan(tally.figures.objectsChecked!);
});

test("the default run takes its workloads in turn, one per instance, pool-churn, heap and finalise among them; the pipeline periodically", async () => {
  requireGc();
  const entries = workloadEntries(DEFAULT_WORKLOAD);
  const names = entries.filter((e) => e.period === 1).map((e) => e.workload.name);
  expect(names).toEqual(expect.arrayContaining(["pool-churn", "heap", "finalise"]));
  expect(entries.find((e) => e.workload.name === "pipeline")?.period).toBeGreaterThan(1);
  const turns = 2;
  const result = await runStress({ cycles: names.length * turns, seconds: 0, seed: 3, mode: "fresh", samples: 4 });
  expect(result.verdict).toBe("PASS");
  expect(result.options.workload).toBe(DEFAULT_WORKLOAD);
  expect(result.workloads.map((w) => [w.name, w.cycles])).toEqual(names.map((name) => [name, turns]));
});

test("a list names the turns: a workload listed twice gets twice the cycles", async () => {
  requireGc();
  const result = await runStress({ workload: "heap, pool-churn,heap", cycles: 9, seconds: 0, seed: 4, mode: "fresh", samples: 3 });
  expect(result.options.workload).toBe("heap,pool-churn,heap");
  expect(result.workloads.map((w) => [w.name, w.cycles])).toEqual([["heap", 6], ["pool-churn", 3]]);
  await expect(runStress({ workload: "heap,nope" })).rejects.toThrow(/unknown workload "nope"/);
});

test("barrier-skip: the write barrier forgets old-to-young stores, and the heap run FAILs on integrity, naming the sanity check", async () => {
  requireGc();
  const result = await runStress({ workload: "heap", cycles: 10, seconds: 0, seed: 31, mode: "fresh", samples: 4, inject: ["barrier-skip"] });
  expect(result.verdict).toBe("FAIL");
  const failed = result.checks.filter((c) => c.verdict === "fail").map((c) => c.id);
  // Corruption, not a leak: the pool still gives everything back.
  expect(failed).toEqual(["integrity"]);
  expect(result.checks.find((c) => c.id === "integrity")!.detail).toMatch(/SanityError \(ERR_SANITY\): .*'(remembered|pointer)'/);
  expect(result.reproduce).toContain("--inject barrier-skip");
  expect(result.reproduce).toContain("--workload heap");
});

test("the graph comparison the workload relies on reports a wrong field, a lost sharing and a missing host reference", async () => {
  const rt = await Runtime.start(heap.runtimeOptions);
  try {
    const ref = { kept: true };
    const leaf = rt.block(7, [1.5, "s", ref]);
    const root = rt.block(1, [leaf, leaf]);
    const nodes = [
      { tag: 1, fields: [{ node: 1 }, { node: 1 }] },
      { tag: 7, fields: [{ imm: 1.5 }, { imm: "s" }, { ref }] },
    ];
    rt.gc({ major: true });
    const same = compareGraph(rt, nodes, [{ block: root, node: 0 }]);
    expect(same).toEqual({ objects: 2, fields: 5, hostRefs: 1 });
    const wrongField = compareGraph(rt, [nodes[0]!, { tag: 7, fields: [{ imm: 1.5 }, { imm: "t" }, { ref }] }], [{ block: root, node: 0 }]);
    expect(wrongField.mismatch).toMatch(/node 1 field 1 is "s"; the model says "t"/);
    // The model says two distinct leaves; the heap shares one object.
    const split = compareGraph(rt, [{ tag: 1, fields: [{ node: 1 }, { node: 2 }] }, nodes[1]!, nodes[1]!], [{ block: root, node: 0 }]);
    expect(split.mismatch).toMatch(/two nodes share one object/);
    const otherRef = compareGraph(rt, [nodes[0]!, { tag: 7, fields: [{ imm: 1.5 }, { imm: "s" }, { ref: { kept: true } }] }], [{ block: root, node: 0 }]);
    expect(otherRef.mismatch).toMatch(/node 1 field 2 is a host object/);
  } finally {
    await rt.shutdown();
  }
});
