// runBench: runs the registered rows (or those a filter picks), prints each
// row's table as it goes, and writes every figure to a JSON file. The CLI
// (bench/run.ts) and the smoke test (test/bench.test.ts) both call it.

import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { resolve } from "node:path";
import { ArgumentError } from "../src/core/errors.js";
import { describe, refuseUnknownKeys } from "../src/core/options.js";
import { gridPoints, isBoundTarget, paramsLabel, type BoundTarget, type Params, type PeerTarget, type Row, type Target } from "./row.js";
import { rows as registeredRows } from "./rows/index.js";
import { sampleSideBySide, type SampleOptions, type TaskFigures } from "./sample.js";
import { caseLines, rowFooter, rowHeader, summaryLines } from "./table.js";

export interface BenchOptions {
  /** Where to write the JSON results; default `bench-results.json` in the working directory. */
  readonly json?: string;
  /** Run only rows whose name contains one of these; default every row. */
  readonly filter?: readonly string[];
  /** Run only the row of exactly this name (a child of a multi-process run, bench/processes.ts). */
  readonly row?: string;
  /**
   * With `row`: run only its case at this index of its grid (gridPoints order),
   * as a child of a multi-process run does (Note [One case per process], bench/processes.ts).
   */
  readonly case?: number;
  /** A short smoke run of every row: tiny batches, short times. */
  readonly quick?: boolean;
  /** Measured time per task per case (ms); default 2000, or 30 with `quick`. */
  readonly timeMs?: number;
  /** Interleaved slices per task (See Note [Interleaved slices]); default 10, or 2 with `quick`. */
  readonly rounds?: number;
  /** Seed for the rows' random inputs; default 0x5eed. */
  readonly seed?: number;
  /** Where printed lines go; default console.log. */
  readonly log?: (line: string) => void;
}

/** One comparison of ours against one peer. */
export interface Comparison {
  readonly peer: string;
  /** ours median / peer median. */
  readonly ratio: number;
  /** The row's target against this peer, if it has one. */
  readonly maxRatio?: number;
  readonly met?: boolean;
}

/** One of ours' figures against an absolute bound (a BoundTarget). */
export interface BoundCheck {
  readonly figure: BoundTarget["figure"];
  readonly valueNs: number;
  readonly maxNs: number;
  readonly met: boolean;
}

/** One grid point of one row. */
export interface CaseReport {
  readonly params: Params;
  readonly label: string;
  readonly ours: TaskFigures;
  readonly peers: readonly TaskFigures[];
  readonly comparisons: readonly Comparison[];
  /** The row's bound targets that apply at this grid point. */
  readonly bounds: readonly BoundCheck[];
}

export interface RowReport {
  readonly name: string;
  readonly title: string;
  readonly unit: string;
  readonly method: string;
  readonly cases: readonly CaseReport[];
}

/** Everything one run measured; this is what the JSON file holds. */
export interface BenchReport {
  readonly schema: 1;
  readonly date: string;
  readonly machine: {
    readonly node: string;
    readonly v8: string;
    readonly platform: string;
    readonly arch: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly totalMemBytes: number;
  };
  readonly options: {
    readonly quick: boolean;
    readonly timeMs: number;
    readonly rounds: number;
    readonly seed: number;
    readonly filter: readonly string[];
  };
  readonly rows: readonly RowReport[];
  /** Absolute path the report was written to. */
  readonly jsonPath: string;
}

const DEFAULT_JSON = "bench-results.json";
const DEFAULT_SEED = 0x5eed;
const FULL = { timeMs: 2000, rounds: 10, warmupMs: 200 } as const;
const QUICK = { timeMs: 30, rounds: 2, warmupMs: 5 } as const;
/** Fewest samples per slice, so even a slow task yields a median and a p99. */
const MIN_SAMPLES_PER_SLICE = 3;

const knownOptions = new Set(["json", "filter", "row", "case", "quick", "timeMs", "rounds", "seed", "log"]);

interface Resolved {
  readonly json: string;
  readonly filter: readonly string[];
  readonly row: string | undefined;
  readonly case: number | undefined;
  readonly quick: boolean;
  readonly seed: number;
  readonly log: (line: string) => void;
  readonly sampling: SampleOptions;
}

function resolveBenchOptions(options: unknown): Resolved {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ArgumentError(`runBench: options must be an object, got ${describe(options)}`);
  }
  const given = options as Record<string, unknown>;
  refuseUnknownKeys("runBench", given, knownOptions);
  const quick = given.quick ?? false;
  if (typeof quick !== "boolean") throw new ArgumentError(`runBench: quick must be a boolean, got ${describe(quick)}`);
  const defaults = quick ? QUICK : FULL;
  const json = given.json ?? DEFAULT_JSON;
  if (typeof json !== "string" || json.length === 0) throw new ArgumentError(`runBench: json must be a file path, got ${describe(json)}`);
  const filter = given.filter ?? [];
  if (!Array.isArray(filter) || filter.some((f) => typeof f !== "string" || f.length === 0)) {
    throw new ArgumentError(`runBench: filter must be an array of non-empty row-name substrings, got ${describe(filter)}`);
  }
  const row = given.row;
  if (row !== undefined && (typeof row !== "string" || !registeredRows.some((r) => r.name === row))) {
    throw new ArgumentError(`runBench: row must be the name of a row (${registeredRows.map((r) => r.name).join(", ")}), got ${describe(row)}`);
  }
  const only = given.case;
  if (only !== undefined) {
    if (row === undefined) throw new ArgumentError("runBench: case needs row (it picks one case of that row's grid)");
    const points = gridPoints(registeredRows.find((r) => r.name === row)!.grid).length;
    if (typeof only !== "number" || !Number.isSafeInteger(only) || only < 0 || only >= points) {
      throw new ArgumentError(`runBench: case must be a whole number from 0 to ${points - 1} (row ${row} has ${points} cases), got ${describe(only)}`);
    }
  }
  const timeMs = given.timeMs ?? defaults.timeMs;
  if (typeof timeMs !== "number" || !Number.isFinite(timeMs) || timeMs <= 0) {
    throw new ArgumentError(`runBench: timeMs must be a positive number of milliseconds, got ${describe(timeMs)}`);
  }
  const rounds = given.rounds ?? defaults.rounds;
  if (typeof rounds !== "number" || !Number.isSafeInteger(rounds) || rounds < 1) {
    throw new ArgumentError(`runBench: rounds must be a whole number ≥ 1, got ${describe(rounds)}`);
  }
  const seed = given.seed ?? DEFAULT_SEED;
  if (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ArgumentError(`runBench: seed must be a whole number from 0 to 2^32-1, got ${describe(seed)}`);
  }
  const log = given.log ?? ((line: string) => console.log(line));
  if (typeof log !== "function") throw new ArgumentError(`runBench: log must be a function, got ${describe(log)}`);
  if (typeof (globalThis as { gc?: unknown }).gc !== "function") {
    throw new ArgumentError("runBench: gc() is not exposed; run node with --expose-gc (npm run bench does) so every task pays for its own garbage");
  }
  return {
    json: resolve(json),
    filter: filter as string[],
    row: row as string | undefined,
    case: only as number | undefined,
    quick,
    seed,
    log: log as (line: string) => void,
    sampling: { timeMs, rounds, minSamplesPerSlice: MIN_SAMPLES_PER_SLICE, warmupMs: Math.min(defaults.warmupMs, timeMs) },
  };
}

export function selectRows(filter: readonly string[]): readonly Row[] {
  if (filter.length === 0) return registeredRows;
  const picked = registeredRows.filter((row) => filter.some((f) => row.name.includes(f)));
  if (picked.length === 0) {
    throw new ArgumentError(`runBench: filter ${filter.map((f) => `'${f}'`).join(", ")} matches no row; rows are ${registeredRows.map((r) => r.name).join(", ")}`);
  }
  return picked;
}

/** The row's peer targets that apply at a grid point, each naming a peer that runs there. */
export function peerTargetsAt(row: Row, params: Params, peers: readonly { readonly name: string }[]): PeerTarget[] {
  const targets = row.targets.filter((t): t is PeerTarget => !isBoundTarget(t) && targetApplies(t, params));
  for (const target of targets) {
    if (!peers.some((p) => p.name === target.peer)) {
      throw new Error(`bench ${row.name}: its target names peer '${target.peer}', but its peers are ${peers.map((p) => `'${p.name}'`).join(", ") || "none"}`);
    }
  }
  return targets;
}

function compare(row: Row, params: Params, ours: TaskFigures, peers: readonly TaskFigures[]): Comparison[] {
  const targets = peerTargetsAt(row, params, peers);
  return peers.map((peer) => {
    const ratio = ours.medianNs / peer.medianNs;
    const target = targets.find((t) => t.peer === peer.name);
    return target === undefined ? { peer: peer.name, ratio } : { peer: peer.name, ratio, maxRatio: target.maxRatio, met: ratio <= target.maxRatio };
  });
}

/** Whether a target applies at a grid point: every entry of its `where` matches. */
export function targetApplies(target: Target, params: Params): boolean {
  return Object.entries(target.where ?? {}).every(([axis, value]) => params[axis] === value);
}

function checkBounds(row: Row, params: Params, ours: TaskFigures): BoundCheck[] {
  const checks: BoundCheck[] = [];
  for (const target of row.targets) {
    if (!isBoundTarget(target) || !targetApplies(target, params)) continue;
    const valueNs = target.figure === "median" ? ours.medianNs : ours.p99Ns;
    checks.push({ figure: target.figure, valueNs, maxNs: target.maxNs, met: valueNs <= target.maxNs });
  }
  return checks;
}

/** The run's sampling, or the fewer, single-sample slices a row of long samples asks for (Row.maxRounds). */
function samplingFor(row: Row, sampling: SampleOptions): SampleOptions {
  if (row.maxRounds === undefined) return sampling;
  if (!Number.isSafeInteger(row.maxRounds) || row.maxRounds < 1) {
    throw new Error(`bench ${row.name}: maxRounds must be a whole number ≥ 1, got ${row.maxRounds}`);
  }
  return { ...sampling, rounds: Math.min(sampling.rounds, row.maxRounds), minSamplesPerSlice: 1 };
}

async function runRow(row: Row, options: Resolved): Promise<RowReport> {
  const grid = gridPoints(row.grid);
  const points = options.case === undefined ? grid : [grid[options.case]!];
  const labelWidth = Math.max(4, ...points.map((p) => paramsLabel(p).length));
  for (const line of rowHeader(row, labelWidth)) options.log(line);
  const cases: CaseReport[] = [];
  for (const params of points) {
    const prepared = await row.prepare(params, { quick: options.quick, seed: options.seed });
    if (prepared.peers.length === 0 && !row.targets.some(isBoundTarget)) {
      await prepared.teardown?.();
      throw new Error(`bench ${row.name}: a case without peers needs a bound target (figure, maxNs) to be judged by`);
    }
    let figures: TaskFigures[];
    try {
      figures = await sampleSideBySide([prepared.ours, ...prepared.peers], samplingFor(row, options.sampling));
    } finally {
      await prepared.teardown?.();
    }
    const [ours, ...peers] = figures as [TaskFigures, ...TaskFigures[]];
    const report: CaseReport = {
      params,
      label: paramsLabel(params),
      ours,
      peers,
      comparisons: compare(row, params, ours, peers),
      bounds: checkBounds(row, params, ours),
    };
    for (const line of caseLines(report, labelWidth)) options.log(line);
    cases.push(report);
  }
  for (const line of rowFooter(row)) options.log(line);
  return { name: row.name, title: row.title, unit: row.unit, method: row.method, cases };
}

/** The machine a report was measured on. */
export function machineInfo(): BenchReport["machine"] {
  const cpuList = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? "unknown",
    totalMemBytes: totalmem(),
  };
}

/**
 * Runs the benchmark rows side by side with their peers, prints a table per
 * row and a summary of the targets, and writes the JSON report. Targets are
 * reported, never enforced: a missed one is a finding, not a failure.
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchReport> {
  const resolved = resolveBenchOptions(options);
  const selected = resolved.row === undefined ? selectRows(resolved.filter) : registeredRows.filter((r) => r.name === resolved.row);
  const rowReports: RowReport[] = [];
  for (const row of selected) rowReports.push(await runRow(row, resolved));
  const report: BenchReport = {
    schema: 1,
    date: new Date().toISOString(),
    machine: machineInfo(),
    options: {
      quick: resolved.quick,
      timeMs: resolved.sampling.timeMs,
      rounds: resolved.sampling.rounds,
      seed: resolved.seed,
      filter: resolved.filter,
    },
    rows: rowReports,
    jsonPath: resolved.json,
  };
  for (const line of summaryLines(report)) resolved.log(line);
  writeFileSync(resolved.json, `${JSON.stringify(report, null, 2)}\n`);
  resolved.log(`\nwrote ${resolved.json}`);
  return report;
}
