// What stats() reports about the GC heap. Plain data, safe to JSON.stringify.

import type { CoreExports } from "./core.js";
import type { HeapContext } from "./handles.js";

/** One generation (0 is the aging generation the nursery's survivors enter). */
export interface GenerationStats {
  readonly generation: number;
  /** Bytes of the objects in it (copied or allocated there since it was last collected). */
  readonly bytes: number;
  /** Objects in it. */
  readonly objects: number;
  /** Pool bytes its chunks take. */
  readonly chunkBytes: number;
  /** Collections that included it. */
  readonly collections: number;
  /** Entries on its remembered set (always 0 for generation 0). */
  readonly rememberedSet: number;
}

/** Pause times, ms. Percentiles are within 1/16 (bucket upper bounds). */
export interface PauseStats {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface HeapStats {
  /**
   * `promotedInPlace`: minor collections that stopped copying after 1/8 of the
   * nursery and made the rest of it part of generation 1 where it lay
   * (docs/heap.md, "Promoting the nursery in place").
   */
  readonly nursery: { readonly size: number; readonly used: number; readonly promotedInPlace: number };
  readonly generations: readonly GenerationStats[];
  readonly collections: { readonly total: number; readonly minor: number; readonly major: number };
  readonly pauses: PauseStats & {
    readonly lastMs: number;
    readonly maxMs: number;
    readonly totalMs: number;
    readonly minor: PauseStats;
    readonly major: PauseStats;
  };
  /** Handle-table slots held by JS; `reclaimedByFinalizer` were never freed by their owner. */
  readonly handles: { readonly live: number; readonly capacity: number; readonly reclaimedByFinalizer: number };
  /** Host references: values held for the heap, and released so far this cycle. */
  readonly hostRefs: { readonly live: number; readonly released: number };
}

/** Histogram selectors of gc_pause_* (assembly/heap/pauses.ts). */
const PAUSE_MINOR = 0;
const PAUSE_MAJOR = 1;
const PAUSE_ALL = 2;
const P50 = 0.5;
const P99 = 0.99;

function pauses(core: CoreExports, which: number): PauseStats {
  return {
    count: core.gc_pause_count(which),
    p50Ms: core.gc_pause_percentile(which, P50),
    p99Ms: core.gc_pause_percentile(which, P99),
  };
}

export function readHeapStats(core: CoreExports, context: HeapContext): HeapStats {
  const generations: GenerationStats[] = [];
  for (let g = 0; g < core.heap_generations(); g++) {
    generations.push({
      generation: g,
      bytes: core.heap_gen_bytes(g) >>> 0,
      objects: core.heap_gen_objects(g) >>> 0,
      chunkBytes: core.heap_gen_chunk_bytes(g) >>> 0,
      collections: core.heap_gen_collections(g) >>> 0,
      rememberedSet: core.heap_remset_length(g) >>> 0,
    });
  }
  const total = core.gc_count() >>> 0;
  const major = core.gc_major_count() >>> 0;
  return {
    nursery: {
      size: core.heap_nursery_size() >>> 0,
      used: core.heap_nursery_used() >>> 0,
      promotedInPlace: core.heap_nursery_promotions() >>> 0,
    },
    generations,
    collections: { total, minor: total - major, major },
    pauses: {
      ...pauses(core, PAUSE_ALL),
      lastMs: core.gc_pause_last(),
      maxMs: core.gc_pause_max(),
      totalMs: core.gc_pause_total(),
      minor: pauses(core, PAUSE_MINOR),
      major: pauses(core, PAUSE_MAJOR),
    },
    handles: { live: core.handle_live() >>> 0, capacity: core.handle_capacity() >>> 0, reclaimedByFinalizer: context.reclaimedByFinalizer },
    hostRefs: { live: context.hostRefs.live, released: context.hostRefs.released },
  };
}
