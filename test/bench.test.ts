// The benchmark script, run in --quick mode in this process: every row must
// produce figures for ours and each peer, ratios and target verdicts that
// agree with those figures, and a JSON file holding the same. No timing is
// asserted here; the figures themselves are bench/'s business.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { ArgumentError } from "../src/core/errors.js";
import { gridPoints, isBoundTarget } from "../bench/row.js";
import { rows } from "../bench/rows/index.js";
import { targetApplies, runBench, type BenchReport } from "../bench/runner.js";
import type { TaskFigures } from "../bench/sample.js";

const dir = mkdtempSync(join(tmpdir(), "unloadable-bench-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectFigures(f: TaskFigures): void {
  expect(Number.isFinite(f.medianNs) && f.medianNs > 0, `${f.name} median ${f.medianNs}`).toBe(true);
  expect(Number.isFinite(f.p99Ns) && f.p99Ns >= f.medianNs, `${f.name} p99 ${f.p99Ns}`).toBe(true);
  expect(f.minNs).toBeLessThanOrEqual(f.medianNs);
  expect(f.samples).toBeGreaterThan(0);
  // A self-timed task (TaskSpec.durations) may record many durations per call.
  if (f.timedBy === "runner") expect(f.calls).toBeGreaterThanOrEqual(f.samples);
}

describe("runBench --quick", () => {
  const json = join(dir, "bench-quick.json");
  const lines: string[] = [];
  let report: BenchReport;

  // 15 rows and 41 grid points: ~30 s on a quiet machine, several times that on a shared one.
  test("runs every registered row at every grid point", async () => {
    report = await runBench({ quick: true, json, log: (line) => lines.push(line) });
    expect(report.rows.map((r) => r.name)).toEqual(rows.map((r) => r.name));
    for (const [i, row] of report.rows.entries()) {
      expect(row.cases.map((c) => c.params)).toEqual(gridPoints(rows[i]!.grid));
    }
  }, 240_000);

  test("every case has figures for ours and each peer, and ratios of the medians", () => {
    for (const [r, row] of report.rows.entries()) {
      // A row without peers is judged by absolute bounds alone.
      const onlyBounds = rows[r]!.targets.every(isBoundTarget);
      for (const c of row.cases) {
        expectFigures(c.ours);
        if (!onlyBounds) expect(c.peers.length).toBeGreaterThan(0);
        expect(c.comparisons.map((x) => x.peer)).toEqual(c.peers.map((p) => p.name));
        for (const [i, peer] of c.peers.entries()) {
          expectFigures(peer);
          expect(c.comparisons[i]!.ratio).toBeCloseTo(c.ours.medianNs / peer.medianNs, 12);
        }
      }
    }
  });

  test("every target is judged against its peer's ratio, or ours' figure against its bound", () => {
    for (const [i, row] of report.rows.entries()) {
      const targets = rows[i]!.targets;
      expect(targets.length).toBeGreaterThan(0);
      for (const c of row.cases) {
        const bounds = targets.filter(isBoundTarget).filter((t) => targetApplies(t, c.params));
        expect(c.bounds.map((b) => [b.figure, b.maxNs])).toEqual(bounds.map((t) => [t.figure, t.maxNs]));
        for (const b of c.bounds) {
          expect(b.valueNs).toBe(b.figure === "median" ? c.ours.medianNs : c.ours.p99Ns);
          expect(b.met).toBe(b.valueNs <= b.maxNs);
        }
        for (const target of targets) {
          if (isBoundTarget(target) || !targetApplies(target, c.params)) continue;
          const comparison = c.comparisons.find((x) => x.peer === target.peer)!;
          expect(comparison.maxRatio).toBe(target.maxRatio);
          expect(comparison.met).toBe(comparison.ratio <= target.maxRatio);
        }
      }
    }
  });

  test("writes the report as parseable JSON", () => {
    expect(report.jsonPath).toBe(json);
    expect(JSON.parse(readFileSync(json, "utf8"))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(report.options.quick).toBe(true);
  });

  test("prints each row's table, ours beside its peers, and the targets", () => {
    const text = lines.join("\n");
    for (const row of report.rows) {
      expect(text).toContain(`${row.name}: `);
      for (const c of row.cases) {
        expect(text).toContain(`${c.ours.name} (ours)`);
        for (const peer of c.peers) expect(text).toContain(peer.name);
      }
    }
    expect(text).toContain("targets:");
    expect(text).toMatch(/≤ 1\.25× (met|MISSED)/);
    expect(text).toMatch(/heap\/minor-pause \[workload=\S+ nursery=1MiB\] p99: .* \(target ≤ 1\.00 ms\) (met|MISSED)/);
  });

  test("the binary-trees pause cases show the pauses whole: majors and the share of run time in collection", () => {
    const row = report.rows.find((r) => r.name === "heap/minor-pause")!;
    for (const c of row.cases.filter((x) => x.params.workload === "binary-trees")) {
      const extras = c.ours.extras!;
      expect(Object.keys(extras)).toEqual(["minors", "majors", "majorP50Ns", "majorP99Ns", "majorMaxNs", "gcShare", "majorShare"]);
      expect(extras.minors).toBe(c.ours.samples);
      expect(extras.gcShare).toBeGreaterThan(0);
      expect(extras.gcShare).toBeGreaterThanOrEqual(extras.majorShare!);
      expect(extras.majorMaxNs).toBeGreaterThanOrEqual(extras.majorP99Ns!);
    }
    expect(lines.join("\n")).toMatch(/majors=\d+ majorP50Ns=.* gcShare=[\d.]+ %/);
  });
});

describe("runBench options", () => {
  test("a filter runs only the rows whose name contains it", async () => {
    const json = join(dir, "bench-filter.json");
    const report = await runBench({ quick: true, json, filter: ["restart"], log: () => {} });
    expect(report.rows.map((r) => r.name)).toEqual(["lifecycle/restart"]);
  });

  test("a filter matching no row is refused, naming the rows", async () => {
    await expect(runBench({ quick: true, filter: ["no-such-row"], log: () => {} })).rejects.toThrow(ArgumentError);
    await expect(runBench({ quick: true, filter: ["no-such-row"], log: () => {} })).rejects.toThrow(/pool\/alloc-free/);
  });

  test("row and case run one case of one row (what a --processes child runs)", async () => {
    const json = join(dir, "bench-case.json");
    const report = await runBench({ quick: true, json, row: "pool/alloc-free", case: 3, log: () => {} });
    expect(report.rows.map((r) => r.name)).toEqual(["pool/alloc-free"]);
    // The fourth point of sizes × loop, first axis slowest.
    expect(report.rows[0]!.cases.map((c) => c.params)).toEqual([{ sizes: "mixed", loop: "js" }]);
  });

  test("a case without a row, or past the row's grid, is refused", async () => {
    const log = (): void => {};
    await expect(runBench({ case: 0, log })).rejects.toThrow(/case needs row/);
    await expect(runBench({ row: "pool/alloc-free", case: 4, log })).rejects.toThrow(/case must be a whole number from 0 to 3 \(row pool\/alloc-free has 4 cases\), got 4/);
    await expect(runBench({ row: "pool/alloc-free", case: -1, log })).rejects.toThrow(ArgumentError);
  });

  test("bad options are refused with ArgumentError before anything runs", async () => {
    const log = (): void => {};
    await expect(runBench({ timeMs: 0, log })).rejects.toThrow(ArgumentError);
    await expect(runBench({ rounds: 1.5, log })).rejects.toThrow(/rounds/);
    await expect(runBench({ seed: -1, log })).rejects.toThrow(/seed/);
    await expect(runBench({ json: "", log })).rejects.toThrow(/json/);
    await expect(runBench({ nursery: 1, log } as never)).rejects.toThrow(/unknown option 'nursery'/);
  });
});

describe("gridPoints", () => {
  test("is every combination of the axes, first axis slowest; an empty grid is one point", () => {
    expect(gridPoints({ sizes: ["small", "mixed"], loop: ["wasm", "js"] })).toEqual([
      { sizes: "small", loop: "wasm" },
      { sizes: "small", loop: "js" },
      { sizes: "mixed", loop: "wasm" },
      { sizes: "mixed", loop: "js" },
    ]);
    expect(gridPoints({})).toEqual([{}]);
  });
});
