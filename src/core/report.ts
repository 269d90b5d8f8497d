// What a runtime reports about itself: stats() while it runs and the
// ShutdownReport when a cycle ends. Plain data, safe to JSON.stringify; types
// only, so every subsystem can name them without importing another.


/** Counters of the allocator ring. */
export interface PoolStats {
  /** Blocks allocated and not yet freed. */
  readonly blocks: number;
  /** Payload bytes of those blocks. */
  readonly bytes: number;
  /** Most blocks outstanding at once since init. */
  readonly peakBlocks: number;
  /** Most bytes outstanding at once since init. */
  readonly peakBytes: number;
  /** Allocations since init. */
  readonly totalAllocs: number;
  /** Frees since init (destroy's bulk free included). */
  readonly totalFrees: number;
  /** maxHeap: bytes outstanding beyond which allocation fails. */
  readonly limit: number;
}

/** A snapshot of a running runtime. */
export interface RuntimeStats {
  readonly pool: PoolStats;
  /** The instance's linear memory, in 64 KiB pages. */
  readonly memoryPages: number;
  /** Completed init → exit cycles of this instance (restarts). */
  readonly cycles: number;
  /** The GC heap: nursery, generations, collections, pauses, handles. */
  readonly heap: HeapStats;
  /** Custom blocks, finalisers and libraries of this cycle (docs/finalisers.md). */
  readonly finalisers: FinaliserStats;
}

/** What one init → exit cycle gave back. */
export interface ShutdownReport {
  /** Blocks the pool's destroy walk freed. */
  readonly blocksFreed: number;
  /** Payload bytes of those blocks. */
  readonly bytesFreed: number;
  /** Blocks still counted after destroy: they escaped the ring (a leak). */
  readonly leakedBlocks: number;
  /** Bytes still counted after destroy. */
  readonly leakedBytes: number;
  /** Peak bytes outstanding during the cycle. */
  readonly peakBytes: number;
  /** Linear memory at the end of the cycle, in 64 KiB pages. */
  readonly memoryPages: number;
  /** Completed cycles of this instance, this one included. */
  readonly cycle: number;
  /** Host references (JS values held for the heap) released at the end of the cycle. */
  readonly hostRefsReleased: number;
  /**
   * Blocked MVar operations (take, put, read) still waiting at the exit,
   * rejected with ShutdownError (step 0 of Note [Shutdown order]); aborted
   * ones are not counted, and a runtime that died from a trap reports 0
   * (its waiters were rejected with the trap).
   */
  readonly pendingOperationsRejected: number;
  /** finalise / finaliseLast functions and weak finalizers run by the exit's one wave (step 1 of Note [Shutdown order]). */
  readonly finalisersRun: number;
  /** Registrations made during that wave and never run (docs/finalisers.md, "Shutdown"). */
  readonly finalisersDropped: number;
  /** Custom blocks still alive at the exit whose finalisers ran then (step 2 of Note [Shutdown order]). */
  readonly customBlocksFinalised: number;
  /** Custom blocks never finalised when the pool was destroyed: 0 unless shutdown went wrong. */
  readonly customBlocksUnfinalised: number;
  /** Libraries unloaded at the exit. */
  readonly librariesUnloaded: number;
  /** Finalisers that threw during the whole cycle (after collections and at the exit). */
  readonly finaliserErrors: number;
  /** The first FAILURES_LISTED (32) of them, as plain data (docs/finalisers.md). */
  readonly finaliserFailures: readonly FinaliserFailure[];
  /** Set when the runtime died from a core trap rather than shutting down. */
  readonly trap?: string;
}

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
  /** `copiedBytes`: what every collection kept (copied, or promoted in place), summed. */
  readonly collections: { readonly total: number; readonly minor: number; readonly major: number; readonly copiedBytes: number };
  /**
   * Since startup: `recorded`, objects the write barrier put on a remembered
   * set (a pointer store into a clean old object); `scanned`, set entries the
   * collections took as roots. The per-generation `rememberedSet` is only
   * what the sets hold now.
   */
  readonly rememberedSets: { readonly recorded: number; readonly scanned: number };
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
  /** Ephemerons of this cycle (rt.ephemeron, weak tables and plugins alike): see EphemeronStats. */
  readonly ephemerons: EphemeronStats;
}

/**
 * Ephemerons as the collector counts them; three core reads, no heap walk.
 * `live`: ephemerons not emptied that no collection has found unreachable
 * yet (one dropped since the last collection still counts, as in the
 * generations' object counts). `emptied`: emptied this cycle because a key
 * died (each once); `emptiedLastCollection`: those the last collection
 * emptied. A weak table's entries are ephemerons, so they count here; the
 * table's own `size` says how many entries it holds.
 */
export interface EphemeronStats {
  readonly live: number;
  readonly emptied: number;
  readonly emptiedLastCollection: number;
}

/** When a finaliser ran: after a collection, at shutdown, or from `w.finalize()`. */
export type FinaliserPhase = "collection" | "shutdown" | "finalize";

/** What the ShutdownReport lists about one finaliser that threw. Plain data. */
export interface FinaliserFailure {
  readonly phase: FinaliserPhase;
  readonly finaliser: string;
  /** The error's name and message. */
  readonly message: string;
}

/** Finaliser figures of a running runtime (`stats().finalisers`). */
export interface FinaliserStats {
  /** Custom blocks made this cycle. */
  readonly customCreated: number;
  /** Custom block finalisers run this cycle (after collections and at shutdown). */
  readonly customFinalised: number;
  /** Custom blocks not finalised yet: alive, or dead and waiting in a queue. */
  readonly customPending: number;
  /** finalise / finaliseLast registrations and weak finalisers made this cycle. */
  readonly functionsRegistered: number;
  /** Of those, how many have run. */
  readonly functionsRun: number;
  /** Of those, how many wait: registered and not due yet, or due and not run yet. */
  readonly functionsPending: number;
  /** Libraries loaded and not yet unloaded. */
  readonly libraries: number;
  /** Finalisers that threw this cycle. */
  readonly errors: number;
}
