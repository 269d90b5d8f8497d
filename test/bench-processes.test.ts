// bench --processes N (bench/processes.ts): each row in N fresh processes,
// per case the median of the per-process paired ratios with a bootstrap
// interval, the load around each process and each side's CPU time. The
// children run the built script (dist/bench/run.js: npm test builds first).
// No timing is asserted.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ArgumentError } from "../src/core/errors.js";
import { combineCase, runBenchProcesses, slowProcesses, SLOW_PEER } from "../bench/processes.js";
import { defineRow } from "../bench/row.js";
import type { CaseReport } from "../bench/runner.js";
import { bootstrapMedian } from "../bench/stats.js";

const script = resolve("dist/bench/run.js");
const dir = mkdtempSync(join(tmpdir(), "unloadable-bench-processes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = defineRow<Record<string, never>>({
  name: "test/row",
  title: "t",
  unit: "op",
  method: "m",
  grid: {},
  targets: [{ peer: "peer", maxRatio: 1.25 }, { figure: "p99", maxNs: 100 }],
  prepare: () => { throw new Error("not run"); },
});

function figures(name: string, medianNs: number, p99Ns = medianNs * 2) {
  return { name, ops: 1, samples: 3, timedBy: "runner" as const, calls: 3, medianNs, p99Ns, meanNs: medianNs, minNs: medianNs, maxNs: p99Ns, cpuNsPerOp: medianNs };
}

function caseOf(ours: number, peer: number, oursP99: number): CaseReport {
  return { params: {}, label: "-", ours: figures("ours", ours, oursP99), peers: [figures("peer", peer)], comparisons: [], bounds: [] };
}

describe("combineCase", () => {
  test("pairs each process's ours with its peer, and judges targets by the interval's upper end", () => {
    const perProcess = [caseOf(110, 100, 90), caseOf(240, 200, 95), caseOf(115, 100, 99), caseOf(120, 100, 98)];
    const c = combineCase(row, {}, perProcess, 7);
    const comparison = c.comparisons[0]!;
    expect(comparison.ratios).toEqual([1.1, 1.2, 1.15, 1.2]);
    expect(comparison.interval).toEqual(bootstrapMedian([1.1, 1.2, 1.15, 1.2], { seed: 7 }));
    expect(comparison.met).toBe(comparison.interval.high <= 1.25);
    expect(c.ours.medians).toEqual([110, 240, 115, 120]);
    expect(c.ours.medianNs).toBe(117.5);
    const bound = c.bounds[0]!;
    expect(bound.values).toEqual([90, 95, 99, 98]);
    expect(bound.met).toBe(true);
  });

  test("a ratio whose interval straddles the target is not met, though its median is under it", () => {
    const perProcess = [caseOf(100, 100, 1), caseOf(120, 100, 1), caseOf(122, 100, 1), caseOf(140, 100, 1), caseOf(150, 100, 1)];
    const c = combineCase(row, {}, perProcess, 1);
    expect(c.comparisons[0]!.interval.estimate).toBeLessThanOrEqual(1.25);
    expect(c.comparisons[0]!.interval.high).toBeGreaterThan(1.25);
    expect(c.comparisons[0]!.met).toBe(false);
  });
});

describe("slow spells beside a bound (Note [Slow spells beside a bound])", () => {
  test("a process is slow when its peer took SLOW_PEER times the fastest process's peer or more", () => {
    expect(slowProcesses([10, 11, 12.4, 12.5, 19])).toEqual([3, 4]);
    expect(slowProcesses([5, 5, 5])).toEqual([]);
    expect(SLOW_PEER).toBe(1.25);
  });

  test("the verdict stays on every process; the slow ones are named and ours' figure without them is given", () => {
    // Processes 1 and 3 ran at half speed: the peer doubled there, and ours' p99 with it.
    const perProcess = [caseOf(110, 100, 90), caseOf(220, 200, 180), caseOf(115, 100, 92), caseOf(230, 210, 190), caseOf(112, 100, 94)];
    const c = combineCase(row, {}, perProcess, 3);
    const bound = c.bounds[0]!;
    expect(bound.slowProcesses).toEqual([1, 3]);
    expect(bound.fullSpeedNs).toBe(92);
    expect(bound.interval).toEqual(bootstrapMedian([90, 180, 92, 190, 94], { seed: 3 }));
    expect(bound.met).toBe(bound.interval.high <= 100);
    expect(bound.met).toBe(false);
  });
});

describe("runBenchProcesses", () => {
  test("refuses fewer than two processes and unknown options", async () => {
    await expect(runBenchProcesses({ processes: 1 })).rejects.toThrow(ArgumentError);
    await expect(runBenchProcesses({ processes: 2, nursery: 1 } as never)).rejects.toThrow(/unknown option 'nursery'/);
  });

  test("runs a row in fresh processes and reports intervals, load and CPU time", async () => {
    expect(existsSync(script), `${script} is built by npm test (npm run build)`).toBe(true);
    const json = join(dir, "p.json");
    const lines: string[] = [];
    const report = await runBenchProcesses({ processes: 2, quick: true, filter: ["mvar/take-put"], json, script, log: (line) => lines.push(line) });
    expect(report.rows.map((r) => r.name)).toEqual(["mvar/take-put"]);
    const r = report.rows[0]!;
    expect(r.load).toHaveLength(2);
    for (const load of r.load) expect(load.before).toBeGreaterThanOrEqual(0);
    const c = r.cases[0]!;
    expect(c.ours.medians).toHaveLength(2);
    expect(c.ours.cpuNsPerOp).toBeGreaterThan(0);
    expect(c.comparisons[0]!.ratios).toHaveLength(2);
    const { low, estimate, high } = c.comparisons[0]!.interval;
    expect(low <= estimate && estimate <= high).toBe(true);
    expect(c.bounds[0]!.values).toHaveLength(2);
    expect(c.bounds[0]!.met).toBe(c.bounds[0]!.interval.high <= c.bounds[0]!.maxNs);
    expect(JSON.parse(readFileSync(json, "utf8"))).toEqual(JSON.parse(JSON.stringify(report)));
    const text = lines.join("\n");
    expect(text).toContain("2 processes per case, load average (1 min)");
    expect(text).toMatch(/mvar\/take-put \[-\] median: .* \[.*\] \(target ≤ 100 ns\) (met|MISSED)/);
    expect(report.command).toContain("--processes 2");
  }, 120_000);
});
