// What each side's collector did during a task's calls, for a row's extras
// (TaskSpec.extras): collections by kind, time in collection, bytes kept,
// peak memory. Each side is read from what its platform exposes, and nothing
// is invented where it exposes nothing.
//
//   ours        the core's counters (stats().heap's sources): gc_count,
//               gc_major_count, gc_pause_total, gc_copied_total, the
//               remembered sets' totals; memory.buffer of the core
//   plain JS    perf_hooks' 'gc' entries (kind, duration) whose start falls
//               inside one of the task's calls; v8.getHeapStatistics()
//   AS managed  memory.buffer of its own module, and nothing else: its
//               incremental runtime counts no collections
//
// Note [GC entries by call window]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// V8 reports a collection to a PerformanceObserver asynchronously (an
// immediate, then the observer's callback), and the runner interleaves the
// tasks of a case in one process, so an entry can arrive while another task
// runs. The observer therefore keeps every entry, and the task keeps the
// [start, end] of each of its calls (performance.now(), the entries' own
// clock); an entry counts for the task when it starts inside one of them.
// The runner awaits the task's settle() before reading: a few macrotasks,
// enough for the last call's entries to be delivered.

import { PerformanceObserver, constants, performance, type PerformanceEntry } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import type { CoreExports } from "../src/core/exports.js";

const NS_PER_MS = 1e6;
const BYTES_PER_MIB = 1 << 20;
/** Macrotasks settle() waits: one for V8's immediate, one for the observer's callback, one spare. */
const SETTLE_TURNS = 3;

/** One snapshot of our core's running totals. */
interface HeapCounters {
  readonly collections: number;
  readonly majors: number;
  readonly pauseMs: number;
  readonly copiedBytes: number;
  readonly recorded: number;
  readonly scanned: number;
}

function heapCounters(core: CoreExports): HeapCounters {
  return {
    collections: core.gc_count() >>> 0,
    majors: core.gc_major_count() >>> 0,
    pauseMs: core.gc_pause_total(),
    copiedBytes: core.gc_copied_total(),
    recorded: core.heap_remset_recorded(),
    scanned: core.heap_remset_scanned(),
  };
}

/**
 * Our collector's work over a task's calls: wrap each call in measure().
 * Counts are totals over the calls; extras() reports them per call.
 */
export class HeapGcTotals {
  readonly #core: CoreExports;
  runs = 0;
  runNs = 0;
  minors = 0;
  majors = 0;
  gcNs = 0;
  copiedBytes = 0;
  /** Objects the write barrier recorded, and remembered-set entries minors scanned as roots. */
  recorded = 0;
  scanned = 0;
  peakBytes = 0;

  constructor(core: CoreExports) {
    this.#core = core;
  }

  measure<T>(run: () => T): T {
    const before = heapCounters(this.#core);
    const start = performance.now();
    const result = run();
    this.runNs += (performance.now() - start) * NS_PER_MS;
    const after = heapCounters(this.#core);
    const majors = after.majors - before.majors;
    this.runs++;
    this.majors += majors;
    this.minors += after.collections - before.collections - majors;
    this.gcNs += (after.pauseMs - before.pauseMs) * NS_PER_MS;
    this.copiedBytes += after.copiedBytes - before.copiedBytes;
    this.recorded += after.recorded - before.recorded;
    this.scanned += after.scanned - before.scanned;
    // The memory never shrinks: its size is the high-water mark.
    this.peakBytes = Math.max(this.peakBytes, this.#core.memory.buffer.byteLength);
    return result;
  }

  /** Throws unless the calls made minor and major collections (a run whose collector never ran fails). */
  verifyCollected(who: string, { majors = true } = {}): void {
    if (this.runs === 0 || this.minors === 0 || (majors && this.majors === 0)) {
      throw new Error(`bench ${who}: over ${this.runs} runs our collector made ${this.minors} minor and ${this.majors} major collections; the workload must make both`);
    }
  }

  extras(): Record<string, number> {
    const per = Math.max(1, this.runs);
    return {
      minors: this.minors / per,
      majors: this.majors / per,
      gcNs: this.gcNs / per,
      gcShare: this.runNs === 0 ? 0 : this.gcNs / this.runNs,
      copiedMiB: this.copiedBytes / per / BYTES_PER_MIB,
      recorded: this.recorded / per,
      scanned: this.scanned / per,
      peakMiB: this.peakBytes / BYTES_PER_MIB,
    };
  }
}

/** V8's kinds of 'gc' entry (perf_hooks.constants.NODE_PERFORMANCE_GC_*). */
const GC_KINDS = {
  minors: constants.NODE_PERFORMANCE_GC_MINOR,
  majors: constants.NODE_PERFORMANCE_GC_MAJOR,
  incrementals: constants.NODE_PERFORMANCE_GC_INCREMENTAL,
} as const;

interface GcEntry {
  readonly kind: number;
  readonly startTime: number;
  readonly duration: number;
}

/**
 * V8's collector over a JS task's calls: wrap each call in measure(); see
 * Note [GC entries by call window]. disconnect() in the case's teardown.
 */
export class JsGcTotals {
  readonly #observer: PerformanceObserver;
  readonly #entries: GcEntry[] = [];
  readonly #windows: [number, number][] = [];
  runNs = 0;
  /** V8's committed heap (total_heap_size) after a call, the largest seen. */
  peakHeapBytes = 0;

  constructor() {
    this.#observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.#entries.push(gcEntry(entry));
    });
    this.#observer.observe({ entryTypes: ["gc"] });
  }

  measure<T>(run: () => T): T {
    const start = performance.now();
    const result = run();
    const end = performance.now();
    this.#windows.push([start, end]);
    this.runNs += (end - start) * NS_PER_MS;
    this.peakHeapBytes = Math.max(this.peakHeapBytes, getHeapStatistics().total_heap_size);
    return result;
  }

  /** Lets V8's last reports arrive (Note [GC entries by call window]). */
  async settle(): Promise<void> {
    for (let i = 0; i < SETTLE_TURNS; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  }

  disconnect(): void {
    this.#observer.disconnect();
  }

  /** The entries that started inside one of the calls. Windows are in call order, entries in arrival order. */
  #inWindows(): GcEntry[] {
    return this.#entries.filter((e) => this.#windows.some(([start, end]) => e.startTime >= start && e.startTime <= end));
  }

  /** Collections of each kind over the calls, and their time. */
  totals(): { minors: number; majors: number; incrementals: number; gcNs: number } {
    const seen = this.#inWindows();
    const count = (kind: number): number => seen.filter((e) => e.kind === kind).length;
    return {
      minors: count(GC_KINDS.minors),
      majors: count(GC_KINDS.majors),
      incrementals: count(GC_KINDS.incrementals),
      gcNs: seen.reduce((sum, e) => sum + e.duration * NS_PER_MS, 0),
    };
  }

  /** Throws unless V8's observer saw collections during the calls. */
  verifyCollected(who: string): void {
    const t = this.totals();
    if (this.#windows.length === 0 || t.minors + t.majors === 0) {
      throw new Error(`bench ${who}: over ${this.#windows.length} runs V8's GC observer saw ${t.minors} minor and ${t.majors} major collections; the workload must collect`);
    }
  }

  extras(): Record<string, number> {
    const t = this.totals();
    const per = Math.max(1, this.#windows.length);
    return {
      minors: t.minors / per,
      majors: t.majors / per,
      incrementals: t.incrementals / per,
      gcNs: t.gcNs / per,
      gcShare: this.runNs === 0 ? 0 : t.gcNs / this.runNs,
      peakMiB: this.peakHeapBytes / BYTES_PER_MIB,
    };
  }
}

function gcEntry(entry: PerformanceEntry): GcEntry {
  const detail = (entry as PerformanceEntry & { readonly detail?: { readonly kind?: number } }).detail;
  return { kind: detail?.kind ?? -1, startTime: entry.startTime, duration: entry.duration };
}

/** A separate module's memory, for a peer whose runtime exposes nothing else: its high-water mark. */
export function memoryPeakMiB(memory: WebAssembly.Memory): number {
  return memory.buffer.byteLength / BYTES_PER_MIB;
}
