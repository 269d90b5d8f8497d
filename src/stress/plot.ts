// The report's picture: process memory against cycles, one panel per series
// (RSS, external, arrayBuffers: their scales differ by orders of magnitude),
// each with its samples, the warm-up shaded, and the fitted line the slope
// check judged. Plain SVG, no dependencies; `--report x.html` wraps it in a
// page with the table of checks.

import type { CheckResult, SeriesFit } from "./checks.js";
import type { StressResult } from "./harness.js";
import { memorySeries, type MemorySeries } from "./memory-probe.js";

const WIDTH = 820;
const PANEL_HEIGHT = 210;
const MARGIN_LEFT = 90;
const MARGIN_RIGHT = 20;
const MARGIN_TOP = 34;
const MARGIN_BOTTOM = 36;
const PLOT_WIDTH = WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
const PLOT_HEIGHT = PANEL_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
const TICKS = 4;
const KIB = 1024;
const MIB = KIB * KIB;

const seriesTitle: Record<MemorySeries, string> = { rss: "RSS", external: "external", arrayBuffers: "arrayBuffers", heapUsed: "JS heapUsed" };
const seriesCheckId: Record<MemorySeries, CheckResult["id"]> = {
  rss: "rss-slope",
  external: "external-slope",
  arrayBuffers: "array-buffers-slope",
  heapUsed: "heap-slope",
};

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function bytesText(bytes: number): string {
  if (Math.abs(bytes) >= MIB) return `${(bytes / MIB).toFixed(2)} MiB`;
  if (Math.abs(bytes) >= KIB) return `${(bytes / KIB).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}

function panel(result: StressResult, series: MemorySeries, top: number): string {
  const samples = result.samples;
  const fit: SeriesFit | undefined = result.fits[series];
  const check = result.checks.find((c) => c.id === seriesCheckId[series]);
  const xMax = Math.max(1, result.cyclesRun);
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const s of samples) {
    yMin = Math.min(yMin, s[series]);
    yMax = Math.max(yMax, s[series]);
  }
  if (!Number.isFinite(yMin)) {
    yMin = 0;
    yMax = 1;
  }
  // Pad flat series so the line sits mid-panel instead of on an edge.
  const pad = Math.max((yMax - yMin) * 0.1, KIB);
  yMin -= pad;
  yMax += pad;
  const x = (cycle: number): number => MARGIN_LEFT + (cycle / xMax) * PLOT_WIDTH;
  const y = (bytes: number): number => top + MARGIN_TOP + PLOT_HEIGHT - ((bytes - yMin) / (yMax - yMin)) * PLOT_HEIGHT;
  const out: string[] = [];
  const verdict = check === undefined ? "" : ` — ${check.verdict}`;
  const figure = check === undefined ? "" : `${check.figure} (limit ${check.limit} ${check.unit})`;
  out.push(`<text x="${MARGIN_LEFT}" y="${top + 20}" class="title">${escape(seriesTitle[series])}: ${escape(figure)}${escape(verdict)}</text>`);
  out.push(`<rect x="${MARGIN_LEFT}" y="${top + MARGIN_TOP}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" class="frame"/>`);
  if (result.warmupCycles > 0) {
    out.push(`<rect x="${MARGIN_LEFT}" y="${top + MARGIN_TOP}" width="${(x(result.warmupCycles) - MARGIN_LEFT).toFixed(1)}" height="${PLOT_HEIGHT}" class="warmup"><title>warm-up: left out of the fit</title></rect>`);
  }
  for (let i = 0; i <= TICKS; i++) {
    const value = yMin + ((yMax - yMin) * i) / TICKS;
    const cycle = Math.round((xMax * i) / TICKS);
    out.push(`<text x="${MARGIN_LEFT - 6}" y="${(y(value) + 4).toFixed(1)}" class="ylabel">${escape(bytesText(value))}</text>`);
    out.push(`<text x="${x(cycle).toFixed(1)}" y="${top + MARGIN_TOP + PLOT_HEIGHT + 16}" class="xlabel">${cycle}</text>`);
  }
  const points = samples.map((s) => `${x(s.cycle).toFixed(1)},${y(s[series]).toFixed(1)}`).join(" ");
  out.push(`<polyline points="${points}" class="samples"/>`);
  for (const s of samples) {
    out.push(`<circle cx="${x(s.cycle).toFixed(1)}" cy="${y(s[series]).toFixed(1)}" r="2" class="sample"><title>cycle ${s.cycle}: ${escape(bytesText(s[series]))}</title></circle>`);
  }
  if (fit !== undefined) {
    const at = (cycle: number): number => fit.intercept + fit.slope * cycle;
    out.push(`<line x1="${x(fit.fromCycle).toFixed(1)}" y1="${y(at(fit.fromCycle)).toFixed(1)}" x2="${x(fit.toCycle).toFixed(1)}" y2="${y(at(fit.toCycle)).toFixed(1)}" class="fit"/>`);
  }
  out.push(`<text x="${MARGIN_LEFT + PLOT_WIDTH / 2}" y="${top + PANEL_HEIGHT - 4}" class="xlabel">cycle</text>`);
  return out.join("\n");
}

/** An SVG of memory against cycles, with the fitted lines. */
export function renderSvg(result: StressResult): string {
  const height = PANEL_HEIGHT * memorySeries.length;
  const panels = memorySeries.map((series, i) => panel(result, series, i * PANEL_HEIGHT)).join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">
<style>
  .title { font-size: 12px; font-weight: bold; }
  .frame { fill: #fff; stroke: #999; }
  .warmup { fill: #eee; }
  .ylabel { text-anchor: end; fill: #444; }
  .xlabel { text-anchor: middle; fill: #444; }
  .samples { fill: none; stroke: #1f77b4; stroke-width: 1; }
  .sample { fill: #1f77b4; }
  .fit { stroke: #d62728; stroke-width: 2; stroke-dasharray: 6 3; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
${panels}
</svg>
`;
}

/** An HTML page: the verdict, the table of checks and the plot. */
export function renderHtml(result: StressResult): string {
  const rows = result.checks
    .map((c) => `<tr class="${c.verdict === "fail" ? "fail" : ""}"><td>${escape(c.title)}</td><td>${escape(c.figure)}${c.detail === undefined ? "" : `<br><small>${escape(c.detail)}</small>`}</td><td>${c.limit} ${escape(c.unit)}</td><td>${c.verdict}</td></tr>`)
    .join("\n");
  const o = result.options;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>unloadable stress: ${result.verdict}</title>
<style>
  body { font-family: sans-serif; margin: 2em; }
  table { border-collapse: collapse; margin: 1em 0; }
  td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
  tr.fail td { background: #fdd; }
  code { background: #f4f4f4; padding: 2px 4px; }
</style></head>
<body>
<h1>unloadable stress: ${result.verdict}</h1>
<p>workload <b>${escape(o.workload)}</b>, mode <b>${o.mode}</b>, seed <b>${o.seed}</b>${o.inject.length > 0 ? `, injected <b>${escape(o.inject.join(", "))}</b>` : ""};
${result.cyclesRun} cycles (${result.exits} exits) in ${(result.elapsedMs / 1000).toFixed(1)} s, stopped by ${result.stoppedBy}.</p>
<p>Reproduce: <code>${escape(result.reproduce)}</code></p>
<table><tr><th>check</th><th>figure</th><th>limit</th><th>verdict</th></tr>
${rows}
</table>
${renderSvg(result)}
</body></html>
`;
}

/** The report for a file name: HTML for .html/.htm, SVG otherwise. */
export function renderReport(result: StressResult, fileName: string): string {
  return /\.html?$/i.test(fileName) ? renderHtml(result) : renderSvg(result);
}
