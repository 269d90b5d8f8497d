// runBenchProcesses: `npm run bench -- --processes N`. Each case of each row
// runs in N fresh Node processes, one after another (each a single-process
// run of that case alone, `--row NAME --case I`: Note [One case per
// process]); per case, the figures are the median over the processes of
// each process's figure, and each comparison is the median of
// the per-process paired ratios with a seeded bootstrap 95 % interval (Note
// [Paired ratios over processes], bench/stats.ts). A target is met only when
// the interval's upper end is under it. The machine's load average is read
// before and after every process, and each side's CPU time comes from the
// child (TaskFigures.cpuNsPerOp).
//
// Processes run one at a time, never side by side: on a machine of two cores
// two children would measure each other.
//
// Note [One case per process]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A child runs one case of a row (`--row NAME --case I`), not the whole
// grid. A row's cases share their loops' code, and V8 keeps one call-site
// feedback per piece of code: a case run after another calls a second
// runtime instance's exports from sites that have seen the first's, and is
// measured slower for it. pool/alloc-free's `sizes=mixed loop=js` measured
// 1.240× when it ran fourth in its process and 1.09× first; run a second
// time in one process the ring's JS loop went from 39.6 to 50.4 ns a pair
// while raw TLSF's stayed at 36 ns (1.095× → 1.391×; a script calling the
// core's exports from loops compiled per instance stayed at 1.12× every
// time: bench/sample.ts's slicing, 2026-12-06). A program has one runtime
// behind each call site, so every case is measured as the only one its
// process ran; the processes still go round the cases in turn (process p
// of every case before process p + 1 of any), so a slow spell of the
// machine falls on all the cases alike.

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ArgumentError } from "../src/core/errors.js";
import { describe, refuseUnknownKeys } from "../src/core/options.js";
import { gridPoints, isBoundTarget, paramsLabel, type BoundTarget, type Params, type Row } from "./row.js";
import { machineInfo, peerTargetsAt, selectRows, targetApplies, type BenchReport, type CaseReport } from "./runner.js";
import { bootstrapMedian, median, meetsAtMost, pairedRatios, type Interval } from "./stats.js";
import type { TaskFigures } from "./sample.js";
import { extrasText, formatDuration, formatRatio, wrapText } from "./table.js";

export interface ProcessesOptions {
  /** Fresh processes per case of each row (≥ 2; publish figures from ≥ 10). */
  readonly processes: number;
  readonly filter?: readonly string[];
  readonly quick?: boolean;
  readonly timeMs?: number;
  readonly rounds?: number;
  /** The rows' input seed, and the bootstrap's. */
  readonly seed?: number;
  /** Where the combined report goes; default bench-results.json. */
  readonly json?: string;
  readonly log?: (line: string) => void;
  /** The bench script a child runs (default: run.js beside this module, i.e. dist/bench/run.js). */
  readonly script?: string;
}

/** One child process's load average (1 minute) before and after it ran (one per case per process). */
export interface ProcessLoad {
  readonly before: number;
  readonly after: number;
}

/** One comparison of ours against one peer, over the processes. */
export interface ProcessComparison {
  readonly peer: string;
  /** ours median / peer median, one per process, in process order. */
  readonly ratios: readonly number[];
  readonly interval: Interval;
  readonly maxRatio?: number;
  /** interval.high ≤ maxRatio. */
  readonly met?: boolean;
}

/** A bound target over the processes: ours' figure in each process, and its interval. */
export interface ProcessBound {
  readonly figure: BoundTarget["figure"];
  readonly values: readonly number[];
  readonly interval: Interval;
  readonly maxNs: number;
  readonly met: boolean;
  /** The processes the machine ran slow (Note [Slow spells beside a bound]), in process order. */
  readonly slowProcesses: readonly number[];
  /** The median of `values` over the other processes. */
  readonly fullSpeedNs: number;
}

// Note [Slow spells beside a bound]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A ratio target pairs ours with the peer in each process, so a process
// the machine ran slow moves both sides and not the ratio. A bound (ns) is
// on ours alone, and the machines are guests on shared cores: on
// 2026-12-06 a third to a half of the processes ran at ~0.55× speed for an
// hour, ours and the peer alike, while nothing else ran inside the machine
// (docs/bench.md, *The machine's slow spells*). The verdict stays on every
// process; beside it each bound says which processes ran slow, told by the
// peer, which no change of ours can move: a process whose first peer's
// median is SLOW_PEER times the fastest process's or more. The peers' times
// are bimodal: within 1.15× of the fastest at full speed, and 1.28–2.0× in
// a slow spell (a JS loop that allocates, host/block's peer, slows least),
// so the threshold sits in the gap.
// Ours' median over the other processes is printed beside it, so a reader
// sees whether a missed upper end is ours or the machine's.

/** A process whose peer took at least this many times the fastest process's peer ran during a slow spell. */
export const SLOW_PEER = 1.25;

/** The processes (indices) whose peer median is SLOW_PEER times the fastest or more. */
export function slowProcesses(peerMedians: readonly number[]): number[] {
  const fastest = Math.min(...peerMedians);
  const slow: number[] = [];
  for (const [k, m] of peerMedians.entries()) if (m >= SLOW_PEER * fastest) slow.push(k);
  return slow;
}

/** A task's figures over the processes: medians of the per-process figures. */
export interface ProcessTask {
  readonly name: string;
  readonly medianNs: number;
  readonly p99Ns: number;
  readonly cpuNsPerOp: number;
  /** The per-process medians, in process order. */
  readonly medians: readonly number[];
  /** The median over the processes of each of the task's extras (TaskSpec.extras). */
  readonly extras?: Readonly<Record<string, number>>;
}

export interface ProcessCase {
  readonly params: Params;
  readonly label: string;
  readonly ours: ProcessTask;
  readonly peers: readonly ProcessTask[];
  readonly comparisons: readonly ProcessComparison[];
  readonly bounds: readonly ProcessBound[];
}

export interface ProcessRow {
  readonly name: string;
  readonly title: string;
  readonly unit: string;
  readonly method: string;
  readonly processes: number;
  readonly load: readonly ProcessLoad[];
  readonly cases: readonly ProcessCase[];
}

export interface ProcessesReport {
  readonly schema: 2;
  readonly date: string;
  readonly command: string;
  readonly machine: BenchReport["machine"];
  readonly options: { readonly processes: number; readonly quick: boolean; readonly timeMs?: number; readonly rounds?: number; readonly seed: number; readonly filter: readonly string[] };
  readonly rows: readonly ProcessRow[];
  readonly jsonPath: string;
}

const DEFAULT_SEED = 0x5eed;
const known = new Set(["processes", "filter", "quick", "timeMs", "rounds", "seed", "json", "log", "script"]);

/** The figure a bound target reads from one task's figures. */
function boundFigure(figure: BoundTarget["figure"], c: CaseReport): number {
  return figure === "median" ? c.ours.medianNs : c.ours.p99Ns;
}

function childArgs(script: string, row: string, caseIndex: number, json: string, options: ProcessesOptions, seed: number): string[] {
  const args = ["--expose-gc", script, "--row", row, "--case", String(caseIndex), "--json", json, "--seed", String(seed)];
  if (options.quick === true) args.push("--quick");
  if (options.timeMs !== undefined) args.push("--time", String(options.timeMs));
  if (options.rounds !== undefined) args.push("--rounds", String(options.rounds));
  return args;
}

function runChild(args: readonly string[]): Promise<void> {
  return new Promise((done, fail) => {
    execFile(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (error === null) done();
      else fail(new Error(`bench: a child process failed (node ${args.join(" ")}): ${error.message}\n${stderr}`));
    });
  });
}

function task(name: string, figures: readonly TaskFigures[]): ProcessTask {
  const medians = figures.map((f) => f.medianNs);
  const keys = Object.keys(figures[0]!.extras ?? {});
  return {
    name,
    medianNs: median(medians),
    p99Ns: median(figures.map((f) => f.p99Ns)),
    cpuNsPerOp: median(figures.map((f) => f.cpuNsPerOp)),
    medians,
    ...(keys.length === 0 ? {} : { extras: Object.fromEntries(keys.map((k) => [k, median(figures.map((f) => f.extras?.[k] ?? Number.NaN))])) }),
  };
}

/** Combines one case's reports from every process. */
export function combineCase(row: Row, params: Params, perProcess: readonly CaseReport[], seed: number): ProcessCase {
  const first = perProcess[0]!;
  const peerTargets = peerTargetsAt(row, params, first.peers);
  const comparisons = first.peers.map((peer, k): ProcessComparison => {
    const ratios = pairedRatios(perProcess.map((c) => c.ours.medianNs), perProcess.map((c) => c.peers[k]!.medianNs));
    const interval = bootstrapMedian(ratios, { seed });
    const target = peerTargets.find((t) => t.peer === peer.name);
    return target === undefined ? { peer: peer.name, ratios, interval } : { peer: peer.name, ratios, interval, maxRatio: target.maxRatio, met: meetsAtMost(interval, target.maxRatio) };
  });
  // Note [Slow spells beside a bound]; a row without a peer has no witness, and no process is called slow.
  const slow = first.peers.length === 0 ? [] : slowProcesses(perProcess.map((c) => c.peers[0]!.medianNs));
  const bounds = row.targets.filter(isBoundTarget).filter((t) => targetApplies(t, params)).map((t): ProcessBound => {
    const values = perProcess.map((c) => boundFigure(t.figure, c));
    const interval = bootstrapMedian(values, { seed });
    const fullSpeedNs = median(values.filter((_, k) => !slow.includes(k)));
    return { figure: t.figure, values, interval, maxNs: t.maxNs, met: meetsAtMost(interval, t.maxNs), slowProcesses: slow, fullSpeedNs };
  });
  return {
    params,
    label: paramsLabel(params),
    ours: task(first.ours.name, perProcess.map((c) => c.ours)),
    peers: first.peers.map((peer, k) => task(peer.name, perProcess.map((c) => c.peers[k]!))),
    comparisons,
    bounds,
  };
}

function intervalText(interval: Interval, format: (x: number) => string): string {
  return `${format(interval.estimate)} [${format(interval.low)}, ${format(interval.high)}]`;
}

function loadText(load: readonly ProcessLoad[]): string {
  const all = load.flatMap((l) => [l.before, l.after]);
  return `load average (1 min) ${Math.min(...all).toFixed(2)}–${Math.max(...all).toFixed(2)}, median ${median(all).toFixed(2)}`;
}

/** The printed table of one row over its processes. */
export function processRowLines(row: ProcessRow): string[] {
  const lines = [
    "",
    `${row.name}: ${row.title}`,
    `  ${row.processes} processes per case, ${loadText(row.load)}`,
    `  figures per ${row.unit}: medians over the processes of each process's median; cpu = CPU time per ${row.unit}`,
    `  ratio = median of the per-process paired ratios (ours/peer) [bootstrap 95 % interval]; a target is met when the interval's upper end is under it`,
  ];
  for (const c of row.cases) {
    const bounds = c.bounds.map((b) => `${b.figure} ${intervalText(b.interval, formatDuration)} ≤ ${formatDuration(b.maxNs)} ${b.met ? "met" : "MISSED"}`).join("; ");
    lines.push(`  ${c.label}`);
    lines.push(`    ${`${c.ours.name} (ours)`.padEnd(30)}${formatDuration(c.ours.medianNs).padStart(11)}  cpu ${formatDuration(c.ours.cpuNsPerOp).padStart(9)}  ${bounds}`);
    if (c.ours.extras !== undefined) lines.push(`      ${extrasText(c.ours.extras)} (medians over the processes)`);
    // Every bound of a case has the same slow processes (they are told by the peer): one line says them.
    const bound = c.bounds[0];
    if (bound !== undefined && bound.slowProcesses.length !== 0) lines.push(`      ${slowSpellText(bound, row.processes)}`);
    for (const [k, peer] of c.peers.entries()) {
      const comparison = c.comparisons[k]!;
      const target = comparison.maxRatio === undefined ? "" : `≤ ${comparison.maxRatio}× ${comparison.met ? "met" : "MISSED"}`;
      lines.push(`    ${peer.name.padEnd(30)}${formatDuration(peer.medianNs).padStart(11)}  cpu ${formatDuration(peer.cpuNsPerOp).padStart(9)}  ${intervalText(comparison.interval, formatRatio).padEnd(30)} ${target}`);
      if (peer.extras !== undefined) lines.push(`      ${extrasText(peer.extras)} (medians over the processes)`);
    }
  }
  for (const line of wrapText(`method: ${row.method}`)) lines.push(`  ${line}`);
  return lines;
}

/** What a bound's slow processes were, and ours' median without them. */
function slowSpellText(bound: ProcessBound, processes: number): string {
  return `slow spells: ${bound.slowProcesses.length} of ${processes} processes ran with the peer ≥ ${SLOW_PEER}× its fastest; ours' ${bound.figure} over the others ${formatDuration(bound.fullSpeedNs)}`;
}

/** Every target, with its interval. */
export function processSummaryLines(report: ProcessesReport): string[] {
  const lines = ["", `targets (${report.options.processes} processes per case; met = the 95 % interval's upper end under the target):`];
  for (const row of report.rows) {
    for (const c of row.cases) {
      for (const b of c.bounds) {
        const slow = b.slowProcesses.length === 0 ? "" : `; ${b.slowProcesses.length} of ${row.processes} processes slow, the others ${formatDuration(b.fullSpeedNs)}`;
        lines.push(`  ${row.name} [${c.label}] ${b.figure}: ${intervalText(b.interval, formatDuration)} (target ≤ ${formatDuration(b.maxNs)}) ${b.met ? "met" : "MISSED"}${slow}`);
      }
      for (const comparison of c.comparisons) {
        if (comparison.maxRatio === undefined) continue;
        lines.push(`  ${row.name} [${c.label}] vs ${comparison.peer}: ${intervalText(comparison.interval, formatRatio)} (target ≤ ${comparison.maxRatio}×) ${comparison.met ? "met" : "MISSED"}`);
      }
    }
  }
  return lines;
}

function checkOptions(options: unknown): ProcessesOptions {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ArgumentError(`runBenchProcesses: options must be an object, got ${describe(options)}`);
  }
  refuseUnknownKeys("runBenchProcesses", options as Record<string, unknown>, known);
  const given = options as ProcessesOptions;
  if (!Number.isSafeInteger(given.processes) || given.processes < 2) {
    throw new ArgumentError(`runBenchProcesses: processes must be a whole number ≥ 2 (one process is the ordinary run), got ${describe(given.processes)}`);
  }
  return given;
}

/**
 * Runs each selected row in `processes` fresh processes and reports every
 * case's medians and paired-ratio intervals; writes the JSON report.
 */
export async function runBenchProcesses(options: ProcessesOptions): Promise<ProcessesReport> {
  const given = checkOptions(options);
  const log = given.log ?? ((line: string) => console.log(line));
  const seed = given.seed ?? DEFAULT_SEED;
  const filter = given.filter ?? [];
  const script = given.script ?? fileURLToPath(new URL("./run.js", import.meta.url));
  const selected = selectRows(filter);
  const dir = mkdtempSync(join(tmpdir(), "unloadable-bench-processes-"));
  const rows: ProcessRow[] = [];
  try {
    for (const row of selected) {
      const load: ProcessLoad[] = [];
      const points = gridPoints(row.grid);
      // perCase[i][p]: case i as process p measured it (Note [One case per process]).
      const perCase: CaseReport[][] = points.map(() => []);
      for (let p = 0; p < given.processes; p++) {
        for (let i = 0; i < points.length; i++) {
          const json = join(dir, `p${p}-c${i}.json`);
          const before = loadavg()[0]!;
          await runChild(childArgs(script, row.name, i, json, given, seed));
          load.push({ before, after: loadavg()[0]! });
          const child = JSON.parse(readFileSync(json, "utf8")) as BenchReport;
          perCase[i]!.push(child.rows[0]!.cases[0]!);
        }
      }
      const cases = points.map((params, i) => combineCase(row, params, perCase[i]!, seed));
      const report: ProcessRow = { name: row.name, title: row.title, unit: row.unit, method: row.method, processes: given.processes, load, cases };
      for (const line of processRowLines(report)) log(line);
      rows.push(report);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const jsonPath = resolve(given.json ?? "bench-results.json");
  const report: ProcessesReport = {
    schema: 2,
    date: new Date().toISOString(),
    command: `node --expose-gc dist/bench/run.js --processes ${given.processes}${given.quick === true ? " --quick" : ""}${given.timeMs === undefined ? "" : ` --time ${given.timeMs}`}${given.rounds === undefined ? "" : ` --rounds ${given.rounds}`} --seed ${seed}${filter.length === 0 ? "" : ` --filter ${filter.join(",")}`}`,
    machine: machineInfo(),
    options: { processes: given.processes, quick: given.quick === true, ...(given.timeMs === undefined ? {} : { timeMs: given.timeMs }), ...(given.rounds === undefined ? {} : { rounds: given.rounds }), seed, filter },
    rows,
    jsonPath,
  };
  for (const line of processSummaryLines(report)) log(line);
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  log(`\nwrote ${jsonPath}`);
  return report;
}
