// The statistics of a multi-process run (bench/processes.ts): one figure per
// fresh process, their median, and how sure we are of it.
//
// Note [Paired ratios over processes]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A process is the unit of repetition. Inside one process V8's optimiser
// makes one set of choices (which callees it inlines, when the background
// compiler ran: Note [A hot path that fits the inliner], src/threads/mvar.ts)
// and the machine has one weather; a second process may land in another mode
// altogether. Samples inside one process are therefore not independent draws,
// and a confidence interval over them would be far too narrow. So each
// process yields one number per comparison: the ratio of ours' median to
// the peer's median *in that process*, both measured in interleaved slices
// (Note [Interleaved slices], bench/sample.ts), i.e. a paired ratio whose two
// halves saw the same load and the same process. The row's figure is the
// median of those per-process ratios, and its 95 % interval comes from a
// percentile bootstrap of that median over the processes (resampled with a
// seeded generator, so a report can be recomputed exactly from its JSON).
// A target is met only when the interval's upper end is under it: a ratio
// whose interval straddles the target is not a demonstrated win.

import { Random } from "../src/threads/random.js";

/** The median of `xs` (the mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("median: no values");
  const sorted = xs.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * ours[i] / peer[i] for each i: the ratios of figures taken side by side
 * (the same process, the same slices). The two lists must pair up exactly,
 * and no figure may be zero, negative or not finite.
 */
export function pairedRatios(ours: readonly number[], peer: readonly number[]): number[] {
  if (ours.length !== peer.length) throw new RangeError(`pairedRatios: ${ours.length} figures of ours against ${peer.length} of the peer; they must pair up`);
  return ours.map((o, i) => {
    const p = peer[i]!;
    if (!(o > 0 && p > 0 && Number.isFinite(o) && Number.isFinite(p))) throw new RangeError(`pairedRatios: pair ${i} is ${o} / ${p}; figures must be positive and finite`);
    return o / p;
  });
}

export interface Interval {
  /** The statistic on the data as measured. */
  readonly estimate: number;
  /** Lower and upper ends of the percentile bootstrap interval. */
  readonly low: number;
  readonly high: number;
  /** 0.95 for a 95 % interval. */
  readonly confidence: number;
  /** How many values the interval is about (processes). */
  readonly n: number;
}

export interface BootstrapOptions {
  /** Seed of the resampling; the same seed and data give the same interval. */
  readonly seed: number;
  /** Resamples drawn; default 10 000. */
  readonly resamples?: number;
  /** Default 0.95. */
  readonly confidence?: number;
}

const DEFAULT_RESAMPLES = 10_000;

/**
 * A percentile-bootstrap confidence interval for the median of `xs`: draw
 * `resamples` samples of xs.length values with replacement, take each one's
 * median, and report the (1−c)/2 and (1+c)/2 quantiles of those medians.
 * With one value the interval is that value. See Note [Paired ratios over processes].
 */
export function bootstrapMedian(xs: readonly number[], options: BootstrapOptions): Interval {
  const n = xs.length;
  if (n === 0) throw new RangeError("bootstrapMedian: no values");
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isSafeInteger(resamples) || resamples < 1) throw new RangeError(`bootstrapMedian: resamples must be a whole number ≥ 1, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`bootstrapMedian: confidence must be in (0, 1), got ${confidence}`);
  const random = new Random(options.seed >>> 0);
  const medians = new Float64Array(resamples);
  const draw = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) draw[i] = xs[random.nextInt(n)]!;
    draw.sort();
    const mid = n >> 1;
    medians[r] = n % 2 === 1 ? draw[mid]! : (draw[mid - 1]! + draw[mid]!) / 2;
  }
  medians.sort();
  const tail = (1 - confidence) / 2;
  return {
    estimate: median(xs),
    low: quantileSorted(medians, tail),
    high: quantileSorted(medians, 1 - tail),
    confidence,
    n,
  };
}

/** The q-quantile of sorted values, interpolating between neighbours. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (at - below) * (sorted[above]! - sorted[below]!);
}

/** Whether a figure whose interval is `interval` meets "at most `max`": only when the upper end is under it. */
export function meetsAtMost(interval: Interval, max: number): boolean {
  return interval.high <= max;
}
