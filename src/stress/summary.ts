// The end of a run, in text: what ran, a table of the checks with their
// figures, and the PASS/FAIL line; on FAIL, where each failing check first
// saw trouble, the seed and the command that reproduces the run.

import { count } from "./checks.js";
import type { StressResult } from "./harness.js";
import { describeRegionFits } from "./region-fits.js";

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  ")).join("\n");
}

/** A figure's camelCase name in words: "graphChecks" → "graph checks". */
function words(name: string): string {
  return name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}

/** The summary printed when a run ends. */
export function formatSummary(result: StressResult): string {
  const o = result.options;
  const lines: string[] = [];
  const injected = o.inject.length > 0 ? `, injected ${o.inject.join(", ")}` : "";
  const work = o.plugin === undefined ? `workload ${o.workload}` : `plugin ${o.plugin.path}, entry ${o.plugin.entry}(${o.plugin.args.join(", ")})`;
  lines.push(`unloadable stress: ${work}, mode ${o.mode}, seed ${o.seed}${injected}`);
  lines.push(
    `${count(result.cyclesRun)} cycles (${count(result.exits)} exits, ${count(result.operations)} operations) in ${(result.elapsedMs / 1000).toFixed(1)} s, stopped by ${result.stoppedBy}` +
      (result.stoppedBy === "runaway" ? " (memory grew by over 1 GiB: see the failing checks)" : ""),
  );
  for (const w of result.workloads) {
    const figures = Object.entries(w.figures).map(([name, n]) => `${count(n)} ${words(name)}`);
    lines.push(`  ${w.name}: ${count(w.cycles)} cycles, ${count(w.operations)} operations, ${count(w.verifications)} verifications${figures.length > 0 ? `; ${figures.join(", ")}` : ""}`);
  }
  lines.push("");
  const rows = [["check", "figure", "limit", "verdict"]];
  for (const c of result.checks) rows.push([c.title, c.figure, `${c.limit} ${c.unit}`, c.verdict === "fail" ? "FAIL" : c.verdict]);
  lines.push(table(rows));
  if (result.regionFits !== undefined) lines.push(describeRegionFits(result.regionFits));
  const failed = result.checks.filter((c) => c.verdict === "fail");
  if (failed.length > 0) {
    lines.push("");
    for (const c of failed) lines.push(`${c.id} failed: ${c.figure}${c.detail === undefined ? "" : `; ${c.detail}`}`);
  }
  lines.push("");
  if (result.verdict === "PASS") {
    lines.push(`PASS (seed ${o.seed})`);
  } else {
    lines.push(`FAIL: ${failed.map((c) => c.id).join(", ")} (seed ${o.seed})`);
    lines.push(`reproduce with: ${result.reproduce}`);
  }
  return lines.join("\n");
}
