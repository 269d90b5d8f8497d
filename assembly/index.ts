// The core's exports, and nothing else. Names follow one grammar:
// <module>_<verb>, snake_case. 64-bit counters cross as f64 (exact below 2^53)
// so the host never handles BigInt on a hot path.

import * as pool from "./pool";
import * as lifecycle from "./lifecycle";
import * as faults from "./faults";
import * as failure from "./failure";

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
