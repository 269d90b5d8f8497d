// The core's exports, and nothing else. Names follow one grammar:
// <module>_<verb>, snake_case. 64-bit counters cross as f64 (exact below 2^53)
// so the host never handles BigInt on a hot path.

import * as pool from "./pool";
import * as lifecycle from "./lifecycle";
import * as faults from "./faults";
import * as failure from "./failure";
import * as bench from "./bench";

// ── lifecycle ──
export function rt_init(): i32 { return lifecycle.init(); }
export function rt_exit(): i32 { return lifecycle.exit(); }
export function rt_reset(): void { lifecycle.resetAfterShutdown(); }
export function rt_refcount(): i32 { return lifecycle.refcountOf(); }
export function rt_cycles(): u32 { return lifecycle.cyclesOf(); }
export function memory_pages(): i32 { return memory.size(); }

// ── allocator ring ──
export function pool_create(): void { pool.poolCreate(); }
export function pool_destroy(): void { pool.poolDestroy(); }
export function pool_is_active(): bool { return pool.poolIsActive(); }
export function pool_alloc(size: usize): usize { return pool.poolAlloc(size); }
export function pool_alloc_noexc(size: usize): usize { return pool.poolAllocNoexc(size); }
export function pool_calloc(n: usize, size: usize): usize { return pool.poolCalloc(n, size); }
export function pool_resize(p: usize, size: usize): usize { return pool.poolResize(p, size); }
export function pool_resize_noexc(p: usize, size: usize): usize { return pool.poolResizeNoexc(p, size); }
export function pool_free(p: usize): void { pool.poolFree(p); }
export function pool_strdup(s: usize): usize { return pool.poolStrdup(s); }
export function pool_alloc_aligned(size: usize, align: usize): usize { return pool.poolAllocAligned(size, align); }
export function pool_size_of(p: usize): usize { return pool.poolSizeOf(p); }
export function pool_set_limit(bytes: f64): void { pool.poolSetLimit(<u64>bytes); }
export function pool_limit(): f64 { return <f64>pool.poolLimit(); }
export function pool_blocks(): u32 { return pool.poolBlocks(); }
export function pool_bytes(): f64 { return <f64>pool.poolBytes(); }
export function pool_peak_blocks(): u32 { return pool.poolPeakBlocks(); }
export function pool_peak_bytes(): f64 { return <f64>pool.poolPeakBytes(); }
export function pool_total_allocs(): f64 { return <f64>pool.poolTotalAllocs(); }
export function pool_total_frees(): f64 { return <f64>pool.poolTotalFrees(); }
export function pool_last_freed_blocks(): u32 { return pool.poolLastFreedBlocks(); }
export function pool_last_freed_bytes(): f64 { return <f64>pool.poolLastFreedBytes(); }
export function pool_check(): bool { return pool.poolInvariantCheck(); }
export function pool_max_payload(): usize { return pool.MAX_PAYLOAD; }

// Raw TLSF, for the benchmark's peer row and nothing else.
export function heap_alloc(size: usize): usize { return heap.alloc(size); }
export function heap_free(p: usize): void { heap.free(p); }

// ── bench (bench/rows only): hot loops kept inside the core, see bench.ts ──
export function bench_pool_churn(sizes: usize, order: usize, ptrs: usize, n: u32): u32 { return bench.benchPoolChurn(sizes, order, ptrs, n); }
export function bench_heap_churn(sizes: usize, order: usize, ptrs: usize, n: u32): u32 { return bench.benchHeapChurn(sizes, order, ptrs, n); }

// ── fault injection (tests and the stress harness only) ──
export function fault_set(mask: u32): void { faults.faultsSet(mask); }
export function fault_get(): u32 { return faults.faultsEnabled(); }

// ── checker verdicts ──
export function failure_check(): u32 { return failure.failureCheck(); }
export function failure_message(): usize { return failure.failureMessage(); }
export function failure_address(): usize { return failure.failureAddress(); }
export function failure_kind(): u32 { return failure.failureKind(); }
export function failure_generation(): i32 { return failure.failureGeneration(); }
export function failure_field(): i32 { return failure.failureField(); }
export function failure_target(): i32 { return failure.failureTarget(); }
export function failure_clear(): void { failure.clearFailure(); }

// ── heap: the GC heap, its barrier and sanity checker (heap/, barrier.ts, sanity.ts) ──
// Pointers and values cross as u32 words (see heap/layout.ts); a handle is a
// slot index; NO_HANDLE (0xFFFFFFFF) / a 0 pointer mean "out of heap" (maxHeap).
import * as heapCollect from "./heap/collect";
import * as heapOps from "./heap/exports";
import * as heapGen from "./heap/generations";
import * as heapNursery from "./heap/nursery";
import * as heapHandles from "./heap/handles";
import * as heapHostrefs from "./heap/hostrefs";
import * as heapRoots from "./heap/roots";
import * as heapPauses from "./heap/pauses";
import * as heapLayout from "./heap/layout";
import * as barrier from "./barrier";
import * as sanity from "./sanity";

export function heap_configure(nursery: usize, generations: i32, sanityOn: bool): void { heapCollect.heapConfigure(nursery, generations, sanityOn); }
export function heap_block_new(tag: u32, n: u32): u32 { return heapOps.blockNew(tag, n); }
export function heap_get(slot: u32, i: u32): u32 { return heapOps.blockGet(slot, i); }
export function heap_set(slot: u32, i: u32, v: u32): void { heapOps.blockSet(slot, i, v); }
export function heap_block_length(slot: u32): u32 { return heapOps.blockLength(slot); }
export function heap_block_tag(slot: u32): u32 { return heapOps.blockTag(slot); }
export function heap_float_new(x: f64): u32 { return heapOps.floatNew(x); }
export function heap_bytes_new(n: u32): u32 { return heapOps.bytesNew(n); }
export function heap_string_new(n: u32): u32 { return heapOps.stringNew(n); }
export function heap_hostref_new(index: u32): u32 { return heapOps.hostrefNew(index); }
export function heap_kind(p: usize): u32 { return heapLayout.kindOfInfo(heapLayout.infoOf(p)); }
export function heap_length(p: usize): u32 { return heapLayout.lengthOf(p); }
export function heap_payload(p: usize): usize { return heapLayout.payloadOf(p); }
export function heap_float_value(p: usize): f64 { return heapLayout.floatOf(p); }
export function heap_hostref_index(p: usize): u32 { return heapHostrefs.hostrefIndex(p); }
export function heap_generation_of(p: usize): i32 { return heapOps.generationOf(p); }
/** Bit 0: dead host references to drain; bit 1: a checker verdict is recorded. */
export function heap_poll(): u32 {
  return (heapHostrefs.hostrefsDeadLength() != 0 ? 1 : 0) | (failure.failureCheck() != failure.CHECK_NONE ? 2 : 0);
}
export function heap_nursery_size(): usize { return heapNursery.nurserySize(); }
export function heap_nursery_used(): usize { return heapNursery.nurseryUsed(); }
export function heap_generations(): i32 { return heapGen.generationCount(); }
export function heap_gen_bytes(g: i32): u32 { return heapGen.genBytes(g); }
export function heap_gen_objects(g: i32): u32 { return heapGen.genObjects(g); }
export function heap_gen_chunk_bytes(g: i32): u32 { return heapGen.genChunkBytes(g); }
export function heap_gen_collections(g: i32): u32 { return heapGen.genCollections(g); }
export function heap_remset_length(g: i32): u32 { return barrier.remsetLength(g); }
export function gc_collect(major: bool): void { heapCollect.collect(major ? heapGen.generationCount() - 1 : heapCollect.policyLevel()); }
export function gc_count(): u32 { return heapCollect.collectionCount(); }
export function gc_major_count(): u32 { return heapCollect.majorCollectionCount(); }
export function gc_pause_last(): f64 { return heapPauses.pauseLastMs(); }
export function gc_pause_max(): f64 { return heapPauses.pauseMaxMs(); }
export function gc_pause_total(): f64 { return heapPauses.pauseTotalMs(); }
export function gc_pause_count(kind: i32): u32 { return heapPauses.pauseCount(kind); }
export function gc_pause_percentile(kind: i32, q: f64): f64 { return heapPauses.pausePercentile(kind, q); }
export function handle_new(v: u32): u32 { return heapHandles.handleNew(v); }
export function handle_free(slot: u32): void { heapHandles.handleFree(slot); }
export function handle_get(slot: u32): u32 { return heapHandles.handleIsLive(slot) ? heapHandles.handleGet(slot) : 0; }
export function handle_is_live(slot: u32): bool { return heapHandles.handleIsLive(slot); }
export function handle_live(): u32 { return heapHandles.handlesLive(); }
export function handle_capacity(): u32 { return heapHandles.handlesCapacity(); }
export function hostref_live(): u32 { return heapHostrefs.hostrefsLive(); }
export function hostref_dead_length(): u32 { return heapHostrefs.hostrefsDeadLength(); }
export function hostref_dead_queue(): usize { return heapHostrefs.hostrefsDeadQueue(); }
export function hostref_dead_clear(): void { heapHostrefs.hostrefsDeadClear(); }
export function root_depth(): u32 { return heapRoots.rootDepth(); }
export function sanity_check(): bool { return sanity.sanityCheck(); }
export function test_build_list(n: u32): u32 { return heapOps.testBuildList(n); }
export function test_check_list(slot: u32): f64 { return heapOps.testCheckList(slot); }
