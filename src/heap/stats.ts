// Reads what stats() reports about the GC heap (the types: src/core/report.ts).

import type { CoreExports } from "../core/exports.js";
import type { HeapContext } from "./handles.js";
import type { GenerationStats, HeapStats, PauseStats } from "../core/report.js";

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
    collections: { total, minor: total - major, major, copiedBytes: core.gc_copied_total() },
    rememberedSets: { recorded: core.heap_remset_recorded(), scanned: core.heap_remset_scanned() },
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
    ephemerons: {
      live: core.ephemeron_listed() >>> 0,
      emptied: core.ephemeron_cleared() >>> 0,
      emptiedLastCollection: core.ephemeron_cleared_last() >>> 0,
    },
  };
}
