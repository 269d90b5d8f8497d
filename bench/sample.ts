// Sampling the tasks of one case side by side, and the statistics of the
// samples. tinybench runs the timing loop (sample collection, warm-up, the
// set-up hook); this module decides the order and merges what it measures.
//
// Note [Interleaved slices]
// ~~~~~~~~~~~~~~~~~~~~~~~~~
// tinybench runs one task for its whole time budget, then the next. On a
// shared, noisy machine a burst of someone else's work then lands on one
// side of a comparison only and skews the ratio. So each task's budget is cut
// into `rounds` slices and the slices alternate, the first task of each round
// rotating: A B | B A | A B … Both sides then see the same weather, and the
// samples of all a task's slices are merged before taking the median.
//
// Note [Garbage stays with its maker]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Some tasks leave garbage whose collection is most of their cost (a dropped
// WebAssembly.Memory is only returned when V8 collects it). Two rules keep
// that cost on the task that made it:
//  - a forced, untimed gc() before every slice, so no task starts with
//    another's garbage on the heap;
//  - no forced gc() inside a slice: the collections V8 starts by itself while
//    a task runs are part of that task's cost. A row whose tasks make garbage
//    sizes its batch (TaskSpec.ops) so that each sample spans several of
//    those collections; then the median includes their amortised cost
//    instead of skipping them as outliers.

import { Bench } from "tinybench";
import { ArgumentError } from "../src/core/errors.js";
import type { TaskSpec } from "./row.js";
import { quantileSorted } from "./stats.js";

export interface SampleOptions {
  /** Measured time per task, all slices together (ms). */
  readonly timeMs: number;
  /** Slices per task; see Note [Interleaved slices]. */
  readonly rounds: number;
  /** Fewest samples per slice, however long a sample takes. */
  readonly minSamplesPerSlice: number;
  /** Warm-up time per task, before its first slice only (ms). */
  readonly warmupMs: number;
}

/** A task's figures, per operation. */
export interface TaskFigures {
  readonly name: string;
  /** Operations per sample (the task's batch). */
  readonly ops: number;
  /** Samples merged over all slices (a self-timed task: the durations it recorded). */
  readonly samples: number;
  /** `runner`: wall-clock samples of fn; `task`: the task's own durations (TaskSpec.durations). */
  readonly timedBy: "runner" | "task";
  /** Calls of the task's fn, warm-up included. */
  readonly calls: number;
  readonly medianNs: number;
  readonly p99Ns: number;
  readonly meanNs: number;
  readonly minNs: number;
  readonly maxNs: number;
  /**
   * Process CPU time (user + system, process.cpuUsage) spent in the task's
   * slices per operation, warm-up included, the forced gc() and beforeEach
   * excluded: beside the wall-clock median, it shows whether a slow figure
   * was work or waiting (preemption by other processes). V8's helper threads
   * (concurrent marking, background compilation) count too.
   */
  readonly cpuNsPerOp: number;
  /** TaskSpec.extras, when the task has them. */
  readonly extras?: Readonly<Record<string, number>>;
}

const NS_PER_MS = 1e6;

/** Kept so that no task's result can be optimised away. */
let sink: unknown;

/** The last value a task returned (never read for the figures; it is kept). */
export function lastKept(): unknown {
  return sink;
}

/** CPU time (µs) spent in forced collections and beforeEach hooks, subtracted from a slice's. */
let untimedCpuUs = 0;

function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** collectGarbage as a slice's set-up, its CPU time kept off the task's. */
function untimedCollect(): void {
  const start = cpuUs();
  collectGarbage();
  untimedCpuUs += cpuUs() - start;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    throw new ArgumentError("bench: gc() is not exposed; run node with --expose-gc (npm run bench does)");
  }
  gc();
}

function isThenable(value: unknown): boolean {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function";
}

const AsyncFunction = (async () => {}).constructor;

/** True while bench.add runs: tinybench then calls a plain fn once to see whether it is async. */
let probing = false;

/** fn, counting its calls and keeping its result; async stays async. */
function instrument(task: TaskSpec, count: () => void): () => unknown {
  const fn = task.fn;
  if (fn instanceof AsyncFunction) {
    return async () => {
      count();
      sink = await fn();
    };
  }
  return () => {
    // tinybench's probe (a call while the task is added) gets no beforeEach of its own.
    if (probing) task.beforeEach?.();
    count();
    const result = fn();
    if (isThenable(result)) {
      throw new ArgumentError(`bench: task '${task.name}' returned a promise from a plain function; declare its fn async so the runner awaits it`);
    }
    sink = result;
  };
}

/**
 * Samples every task for `timeMs` in interleaved slices (Note [Interleaved
 * slices]) and returns each task's figures per operation, in the order given.
 */
export async function sampleSideBySide(tasks: readonly TaskSpec[], options: SampleOptions): Promise<TaskFigures[]> {
  const calls = tasks.map(() => 0);
  const samples = tasks.map((): number[] => []);
  const cpu = tasks.map(() => 0);
  const fns = tasks.map((task, i) => instrument(task, () => { calls[i]!++; }));
  const sliceMs = options.timeMs / options.rounds;
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < tasks.length; k++) {
      const i = (round + k) % tasks.length;
      const task = tasks[i]!;
      const bench = new Bench({
        time: sliceMs,
        iterations: options.minSamplesPerSlice,
        warmup: round === 0,
        warmupTime: options.warmupMs,
        warmupIterations: 1,
        throws: true,
        setup: untimedCollect, // See Note [Garbage stays with its maker]
      });
      probing = true;
      try {
        bench.add(task.name, fns[i]!, task.beforeEach === undefined ? {} : { beforeEach: untimed(task, task.beforeEach) });
      } finally {
        probing = false;
      }
      untimedCpuUs = 0;
      const cpuStart = cpuUs();
      const [measured] = await bench.run();
      cpu[i]! += cpuUs() - cpuStart - untimedCpuUs;
      const result = measured?.result;
      if (result === undefined || result.error !== undefined) {
        throw result?.error ?? new Error(`bench: task '${task.name}' produced no result`);
      }
      for (const ms of result.latency.samples) samples[i]!.push((ms * NS_PER_MS) / task.ops);
    }
  }
  collectGarbage();
  for (const task of tasks) await task.settle?.();
  return tasks.map((task, i) => {
    task.verify?.(calls[i]!);
    const cpuNsPerOp = (cpu[i]! * 1e3) / Math.max(1, calls[i]! * task.ops);
    return figures(task, task.durations === undefined ? samples[i]! : ownDurations(task, task.durations), calls[i]!, cpuNsPerOp);
  });
}

/** A task's beforeEach, refusing a promise (tinybench would await it inside the timing loop). */
function untimed(task: TaskSpec, before: () => void): () => void {
  return () => {
    const start = cpuUs();
    const result = before() as unknown;
    untimedCpuUs += cpuUs() - start;
    if (isThenable(result)) {
      throw new ArgumentError(`bench: task '${task.name}' returned a promise from beforeEach; it must be synchronous`);
    }
  };
}

/** The durations a self-timed task recorded; see TaskSpec.durations. */
function ownDurations(task: TaskSpec, durations: () => readonly number[]): number[] {
  const recorded = durations().slice();
  for (const ns of recorded) {
    if (!Number.isFinite(ns) || ns < 0) throw new Error(`bench: task '${task.name}' recorded a duration of ${ns} ns`);
  }
  return recorded;
}

function figures(task: TaskSpec, samples: number[], calls: number, cpuNsPerOp: number): TaskFigures {
  if (samples.length === 0) throw new Error(`bench: task '${task.name}' produced no samples`);
  const sorted = samples.slice().sort((a, b) => a - b);
  let total = 0;
  for (const s of sorted) total += s;
  return {
    name: task.name,
    ops: task.ops,
    samples: sorted.length,
    timedBy: task.durations === undefined ? "runner" : "task",
    calls,
    medianNs: quantileSorted(sorted, 0.5),
    p99Ns: quantileSorted(sorted, 0.99),
    meanNs: total / sorted.length,
    minNs: sorted[0]!,
    maxNs: sorted[sorted.length - 1]!,
    cpuNsPerOp,
    ...(task.extras === undefined ? {} : { extras: task.extras() }),
  };
}
