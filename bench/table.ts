// The printed tables: per row, each case's figure for ours and, under it,
// each peer's figure with the ratio and the target. Fixed column widths, so a
// case's lines can be printed as soon as it has run.

import type { Row } from "./row.js";
import type { TaskFigures } from "./sample.js";
import type { BenchReport, CaseReport } from "./runner.js";

const TASK_WIDTH = 28;
const FIGURE_WIDTH = 11;
const RATIO_WIDTH = 8;
const TEXT_WIDTH = 100;

const UNITS: readonly (readonly [string, number])[] = [["s", 1e9], ["ms", 1e6], ["µs", 1e3], ["ns", 1]];

/** 25.1 ns, 3.42 µs, 91.0 µs, 1.20 ms: three significant digits. */
export function formatDuration(ns: number): string {
  for (const [unit, scale] of UNITS) {
    if (Math.abs(ns) >= scale || scale === 1) return `${(ns / scale).toPrecision(3)} ${unit}`;
  }
  return `${ns} ns`;
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(ratio < 0.1 ? 4 : 3)}×`;
}

function cell(text: string, width: number, alignRight = true): string {
  return alignRight ? text.padStart(width) : text.padEnd(width);
}

export function rowHeader(row: Row, labelWidth: number): string[] {
  return [
    "",
    `${row.name}: ${row.title}`,
    `  figures per ${row.unit} (cpu: process CPU time per ${row.unit}); ratio = ours median / peer median, one process: npm run bench -- --processes N for intervals`,
    `  ${cell("case", labelWidth, false)}  ${cell("task", TASK_WIDTH, false)}${cell("median", FIGURE_WIDTH)}${cell("p99", FIGURE_WIDTH)}${cell("ratio", RATIO_WIDTH)}  target`,
  ];
}

function figureCells(f: TaskFigures): string {
  return `${cell(formatDuration(f.medianNs), FIGURE_WIDTH)}${cell(formatDuration(f.p99Ns), FIGURE_WIDTH)}${cell(formatDuration(f.cpuNsPerOp), FIGURE_WIDTH)}`;
}

/** `p99 ≤ 1.00 ms met`: ours' bound targets at this grid point. */
function boundText(report: CaseReport): string {
  return report.bounds.map((b) => `${b.figure} ≤ ${formatDuration(b.maxNs)} ${b.met ? "met" : "MISSED"}`).join("; ");
}

export function caseLines(report: CaseReport, labelWidth: number): string[] {
  const bounds = report.bounds.length === 0 ? "" : `${cell("", RATIO_WIDTH)}  ${boundText(report)}`;
  const lines = [`  ${cell(report.label, labelWidth, false)}  ${cell(`${report.ours.name} (ours)`, TASK_WIDTH, false)}${figureCells(report.ours)}${bounds}`];
  if (report.ours.extras !== undefined) lines.push(`  ${cell("", labelWidth, false)}    ${extrasText(report.ours.extras)}`);
  for (const peer of report.peers) {
    const comparison = report.comparisons.find((c) => c.peer === peer.name)!;
    const target = comparison.maxRatio === undefined ? "" : `≤ ${comparison.maxRatio}× ${comparison.met ? "met" : "MISSED"}`;
    lines.push(`  ${cell("", labelWidth, false)}  ${cell(peer.name, TASK_WIDTH, false)}${figureCells(peer)}${cell(formatRatio(comparison.ratio), RATIO_WIDTH)}  ${target}`);
    if (peer.extras !== undefined) lines.push(`  ${cell("", labelWidth, false)}    ${extrasText(peer.extras)}`);
  }
  return lines;
}

/** `majors=19 majorP99Ns=2.20 ms gcShare=36.0 %`: a task's extras, each in its unit (TaskSpec.extras). */
export function extrasText(extras: Readonly<Record<string, number>>): string {
  return Object.entries(extras).map(([key, value]) => {
    if (key.endsWith("Ns")) return `${key}=${formatDuration(value)}`;
    if (key.endsWith("Share")) return `${key}=${(100 * value).toFixed(1)} %`;
    return `${key}=${Number.isInteger(value) ? value : value.toPrecision(3)}`;
  }).join(" ");
}

export function rowFooter(row: Row): string[] {
  return wrapText(`method: ${row.method}`).map((line) => `  ${line}`);
}

/** Every target, met or missed, with the worst case's ratio. */
export function summaryLines(report: BenchReport): string[] {
  const lines = ["", "targets:"];
  for (const row of report.rows) {
    for (const c of row.cases) {
      for (const b of c.bounds) {
        const verdict = b.met ? "met" : `MISSED by ${((b.valueNs / b.maxNs - 1) * 100).toFixed(1)}%`;
        lines.push(`  ${row.name} [${c.label}] ${b.figure}: ${formatDuration(b.valueNs)} (target ≤ ${formatDuration(b.maxNs)}) ${verdict}`);
      }
      for (const comparison of c.comparisons) {
        if (comparison.maxRatio === undefined) continue;
        const verdict = comparison.met ? "met" : `MISSED by ${((comparison.ratio / comparison.maxRatio - 1) * 100).toFixed(1)}%`;
        lines.push(`  ${row.name} [${c.label}] vs ${comparison.peer}: ${formatRatio(comparison.ratio)} (target ≤ ${comparison.maxRatio}×) ${verdict}`);
      }
    }
  }
  return lines;
}

/** `text` in lines of at most `width` characters, continuation lines indented. */
export function wrapText(text: string, width = TEXT_WIDTH): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = "    ";
    }
    line += line.trim().length === 0 ? word : ` ${word}`;
  }
  if (line.trim().length > 0) lines.push(line);
  return lines;
}
