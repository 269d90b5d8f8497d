// The leak checks: each turns the run's evidence into one figure, the limit
// it is held to, and a verdict. A run passes when no check fails.
//
// Note [Slope, not difference]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Process memory is judged by the least-squares slope of memory against
// cycle over every sample after the warm-up, in bytes per cycle; never by
// last − first, which one unlucky sample can push either way. The warm-up
// (the first fraction of the cycles) is left out because a fresh process
// grows to its working size there: V8's heap settles, JIT code appears,
// malloc arenas fill. That growth is bounded, a leak is not, and over the
// rest of the run only the leak keeps a slope. The standard error of the
// slope is reported beside it, so a reader can tell a figure near the limit
// from noise. A slope needs MIN_FIT_POINTS samples after the warm-up; with
// fewer (a very short run) the check says n/a rather than guess.

//
// Note [Every workload's first turn is warm-up]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A share of the cycles is a warm-up only if every workload's own warm-up
// falls inside it. A workload's one-time costs land on its first turn: its
// code compiled and optimised, V8's heap and the allocator's arenas sized
// to its peak (the pipeline's 4 MiB of JSON and its zlib state), the test
// library's module compiled (finalise). In a plain rotation the first turns
// are the first few cycles, but a periodic workload (Note [Rotating
// workloads], registry.ts) first runs at turn period − 1: `pool-churn,
// pipeline@5000` would put the pipeline's first step at cycle ~5,000 of
// 10,000, in the middle of the fit, where a bounded step reads as a slope.
// So the warm-up ends at the later of the `warmup` share and the end of the
// last first turn of any workload that ran (warmupEnd), the same rule for
// every workload. Only one turn: a leak repeats every turn and keeps its
// slope over all the others, and a run whose last first turn comes near
// its end has few samples left and says n/a rather than guess. Measured:
// finalise alone is flat from its first sample (RSS 59–61 MB over 5,000
// cycles, seed 8); pool-churn,heap,finalise rises ≈ 2 MB over its first
// ~400 cycles and is flat after (seed 9), well inside a 30 % warm-up.

import { fitLine, type LineFit } from "./fit.js";
import type { Evidence } from "./evidence.js";
import { memorySeries, type MemorySeries } from "./memory-probe.js";

export type Verdict = "pass" | "fail" | "n/a";

/** Stable identifiers of the checks, in report order. */
export const checkIds = [
  "pool-outstanding",
  "restart-growth",
  "instances-collected",
  "memories-collected",
  "libraries-collected",
  "rss-slope",
  "external-slope",
  "array-buffers-slope",
  "heap-slope",
  "integrity",
] as const;
export type CheckId = (typeof checkIds)[number];

/** One check's verdict, with the figure it was judged on. */
export interface CheckResult {
  readonly id: CheckId;
  /** What is checked, in words. */
  readonly title: string;
  /** The figure, in words, as printed. */
  readonly figure: string;
  /** The number held to the limit (null when there is none: n/a). */
  readonly value: number | null;
  /** The largest value that passes. */
  readonly limit: number;
  readonly unit: string;
  readonly verdict: Verdict;
  /** For a failure: where it was first seen, or what was still kept. */
  readonly detail?: string;
}

/** A fitted memory series, with the cycles the fit covers. */
export interface SeriesFit extends LineFit {
  readonly fromCycle: number;
  readonly toCycle: number;
}

/** What the checks are held to. */
export interface CheckLimits {
  /** Largest memory slope that passes, bytes per cycle. */
  readonly slopeLimit: number;
  /** Largest RSS slope that passes. See Note [The RSS limit]. */
  readonly rssSlopeLimit: number;
  /** Samples taken before this many cycles are warm-up, left out of the fits. */
  readonly warmupCycles: number;
  /** Fewest cycles a fit must span to be judged. See Note [Judged span]. */
  readonly minSlopeSpan: number;
}

// Note [The RSS limit]
// ~~~~~~~~~~~~~~~~~~~~
// external, arrayBuffers and heapUsed are exact counts: a clean default run
// is flat in them to within a few B/cycle, and they are held to the slope
// limit (64 B/cycle). RSS also counts what neither the runtime nor V8's heap
// owns: glibc's arenas and their fragmentation, V8's code space, its
// malloc'd side tables. Over 10,000 cycles of the default rotation it
// drifts by a few hundred KB in ways its in-run standard error does not
// predict (measured on clean runs: −5.5, 18, 102 ± 35 B/cycle; 94 and 142
// before the mmap threshold was fixed, Note [Fixed mmap threshold],
// cli.ts), so 64 B/cycle on RSS fails clean runs about one time in three.
// RSS is the only series that sees a native leak (a zlib stream, an
// instance's code, a libuv handle never closed), and those are KiBs to MiBs
// per cycle; so RSS is held to 4 × the slope limit (256 B/cycle, 2.5 MB
// over the default run), the exact series stay at the slope limit, and a
// kept instance still fails both (test/stress-faults.test.ts). What is left
// in a clean run was traced to glibc's main arena keeping freed memory, in
// ~1 MB steps, with its in-use bytes flat (docs/stress.md, "Where the last
// bytes per cycle go"); the summary's RSS-by-region line shows which region
// a slope came from (Note [RSS by region], rss-regions.ts).
//
// Note [Judged span]
// ~~~~~~~~~~~~~~~~~~
// RSS moves in steps: V8 grows its own heap by megabytes at a time, the
// allocator maps and unmaps arenas. One 1 MiB step is 10 B/cycle over 100,000
// cycles but 10 KiB/cycle over 100, so a short run's slope says nothing
// about a 64 B/cycle limit. A slope fitted over fewer than `minSlopeSpan`
// cycles is printed and marked n/a rather than failed or passed; short runs
// still catch a leaked instance through the collection checks, and tests that
// want a verdict from a short run set the span and a looser limit explicitly.

/** Fewest samples after the warm-up that a slope is fitted to. See Note [Slope, not difference]. */
export const MIN_FIT_POINTS = 5;

const seriesCheck: Record<MemorySeries, { id: CheckId; title: string }> = {
  rss: { id: "rss-slope", title: "RSS slope" },
  external: { id: "external-slope", title: "external slope" },
  arrayBuffers: { id: "array-buffers-slope", title: "arrayBuffers slope" },
  heapUsed: { id: "heap-slope", title: "JS heapUsed slope" },
};

/** Formats a count with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * The cycle the fits start at: the `warmup` share of `cyclesRun`, or the
 * end of the last workload's first turn if later, never past the run.
 * See Note [Every workload's first turn is warm-up].
 */
export function warmupEnd(cyclesRun: number, warmup: number, firstTurnsEnd: number): number {
  return Math.min(cyclesRun, Math.max(Math.floor(cyclesRun * warmup), firstTurnsEnd));
}

/** Fits each memory series over the samples after the warm-up. */
export function fitSeries(evidence: Evidence, warmupCycles: number): Record<MemorySeries, SeriesFit | undefined> {
  const kept = evidence.samples.filter((s) => s.cycle >= warmupCycles);
  const fits = {} as Record<MemorySeries, SeriesFit | undefined>;
  for (const series of memorySeries) {
    const fit = kept.length >= MIN_FIT_POINTS ? fitLine(kept.map((s) => s.cycle), kept.map((s) => s[series])) : undefined;
    fits[series] = fit === undefined ? undefined : { ...fit, fromCycle: kept[0]!.cycle, toCycle: kept[kept.length - 1]!.cycle };
  }
  return fits;
}

/** Every check's verdict, in report order. */
export function evaluateChecks(evidence: Evidence, limits: CheckLimits, fits = fitSeries(evidence, limits.warmupCycles)): CheckResult[] {
  const checks: CheckResult[] = [poolOutstanding(evidence), restartGrowth(evidence), ...collected(evidence)];
  for (const series of memorySeries) checks.push(slope(series, fits[series], evidence, limits));
  checks.push(integrity(evidence));
  return checks;
}

/** Passes when no check failed. */
export function overallVerdict(checks: readonly CheckResult[]): "PASS" | "FAIL" {
  return checks.some((c) => c.verdict === "fail") ? "FAIL" : "PASS";
}

function poolOutstanding(e: Evidence): CheckResult {
  const base = { id: "pool-outstanding", title: "pool outstanding after every exit", limit: 0, unit: "blocks" } as const;
  if (e.exits === 0) return { ...base, figure: e.skipped ?? "no exit completed", value: null, verdict: "n/a" };
  if (e.leakingExits === 0) {
    return { ...base, figure: `0 blocks / 0 bytes over ${count(e.exits)} exits`, value: 0, verdict: "pass" };
  }
  return {
    ...base,
    figure: `${count(e.leakingExits)} of ${count(e.exits)} exits left blocks outstanding, worst ${count(e.worstLeakedBlocks)} blocks / ${count(e.worstLeakedBytes)} bytes`,
    value: e.worstLeakedBlocks,
    verdict: "fail",
    detail: `first at cycle ${e.firstLeak!.cycle}: ${e.firstLeak!.message}`,
  };
}

// Note [Restart fixpoint]
// ~~~~~~~~~~~~~~~~~~~~~~~
// A restarted instance does not start where a fresh one did: after exit the
// allocator holds one free block as large as everything grown so far, while a
// fresh instance grows memory step by step. TLSF picks the smallest free block
// whose size class fits, so the two can place the same workload differently,
// and in about 1 series in 100 (seeded pool churn, sizes up to 1 MiB in ~1 MiB
// of memory) cycle 2 needs one doubling more than cycle 1 did. After that,
// every cycle starts from the same state and repeats the same placement, so
// memory.size() must hold for good. The check therefore allows at most
// MAX_SETTLING_GROWTHS growths after cycle 1, and none once a cycle has left
// memory.size() unchanged; a leak grows it again and again and fails both.
function restartGrowth(e: Evidence): CheckResult {
  const base = { id: "restart-growth", title: "restart memory fixpoint (cycles 2..k)", limit: 0, unit: "pages" } as const;
  if (e.restartSeries === 0) return { ...base, figure: e.skipped ?? "no restart series ran", value: null, verdict: "n/a" };
  const over = `over ${count(e.restartSeries)} series × ${count(e.restartsPerSeries)} restarts (${count(e.restartCycles)} cycles)`;
  const settled = e.seriesThatSettled === 0 ? "" : `; ${count(e.seriesThatSettled)} settled after one growth (See Note [Restart fixpoint])`;
  if (e.seriesThatGrew === 0) return { ...base, figure: `0 pages ${over}${settled}`, value: 0, verdict: "pass" };
  return {
    ...base,
    figure: `${count(e.seriesThatGrew)} of ${count(e.restartSeries)} series kept growing, worst +${count(e.worstGrowthPages)} pages (${count(e.worstGrowthPages * 64)} KiB), ${over}`,
    value: e.worstGrowthPages,
    verdict: "fail",
    detail: `first at cycle ${e.firstGrowth!.cycle}: ${e.firstGrowth!.message}`,
  };
}

function collected(e: Evidence): CheckResult[] {
  const one = (id: CheckId, what: string, tracked: number, got: number): CheckResult => {
    const kept = tracked - got;
    return {
      id,
      title: `${what} collected after forced GC`,
      figure: `${count(got)}/${count(tracked)}`,
      value: kept,
      limit: 0,
      unit: what,
      verdict: tracked === 0 ? "n/a" : kept === 0 ? "pass" : "fail",
      ...(kept === 0 ? {} : { detail: `${count(kept)} ${what} still reachable after the run and repeated forced collections` }),
    };
  };
  return [
    one("instances-collected", "instances", e.instancesTracked, e.instancesCollected),
    one("memories-collected", "memories", e.memoriesTracked, e.memoriesCollected),
    libraries(e),
  ];
}

/**
 * Library instances (src/final/library.ts) collected. Unlike instances and
 * memories, none at all is a pass: no workload loaded a library, so none can
 * have been kept.
 */
function libraries(e: Evidence): CheckResult {
  const kept = e.librariesTracked - e.librariesCollected;
  const base = { id: "libraries-collected", title: "library instances collected after forced GC", value: kept, limit: 0, unit: "library instances" } as const;
  if (e.librariesTracked === 0) return { ...base, figure: "0/0 (no library was loaded)", verdict: "pass" };
  return {
    ...base,
    figure: `${count(e.librariesCollected)}/${count(e.librariesTracked)}`,
    verdict: kept === 0 ? "pass" : "fail",
    ...(kept === 0 ? {} : { detail: `${count(kept)} library instances still reachable after the run and repeated forced collections` }),
  };
}

function slope(series: MemorySeries, fit: SeriesFit | undefined, e: Evidence, limits: CheckLimits): CheckResult {
  const { id, title } = seriesCheck[series];
  const limit = series === "rss" ? limits.rssSlopeLimit : limits.slopeLimit;
  const base = { id, title, limit, unit: "B/cycle" };
  if (fit === undefined) {
    const after = e.samples.filter((s) => s.cycle >= limits.warmupCycles).length;
    return { ...base, figure: `n/a: ${after} samples after the warm-up, need ${MIN_FIT_POINTS}`, value: null, verdict: "n/a" };
  }
  const error = Number.isFinite(fit.slopeStdError) ? ` ± ${fit.slopeStdError.toFixed(1)}` : "";
  const figure = `${fit.slope.toFixed(1)}${error} B/cycle over cycles ${count(fit.fromCycle)}–${count(fit.toCycle)} (${fit.n} samples)`;
  const span = fit.toCycle - fit.fromCycle;
  if (span < limits.minSlopeSpan) {
    return { ...base, figure: `${figure}; not judged: span < ${count(limits.minSlopeSpan)} cycles`, value: fit.slope, verdict: "n/a" };
  }
  return { ...base, figure, value: fit.slope, verdict: fit.slope <= limit ? "pass" : "fail" };
}

function integrity(e: Evidence): CheckResult {
  const base = { id: "integrity", title: "workload integrity (data, sanity, traps)", limit: 0, unit: "violations" } as const;
  const figure = `${count(e.verifications)} verifications, ${count(e.sanityChecks)} sanity checks, ${count(e.violations)} violations${e.skipped === undefined ? "" : ` (data and sanity ${e.skipped})`}`;
  if (e.violations === 0) return { ...base, figure, value: 0, verdict: e.exits === 0 ? "n/a" : "pass" };
  return { ...base, figure, value: e.violations, verdict: "fail", detail: `first at cycle ${e.firstViolation!.cycle}: ${e.firstViolation!.message}` };
}
