// The core's exports as the host sees them: the raw ABI (assembly/index.ts),
// its fault switches and the builds it comes in. Types and constants only.

import type { WasmMemory } from "./wasm-types.js";

/**
 * The core's raw exports (assembly/index.ts). Pointers arrive as signed i32:
 * read them with `>>> 0`. 64-bit counters arrive as f64.
 */
export interface CoreExports {
  readonly memory: WasmMemory;
  /** ABI_VERSION (assembly/abi.ts): the host refuses a plugin built on another. */
  abi_version(): number;
  rt_init(): number;
  rt_exit(): number;
  rt_reset(): void;
  rt_refcount(): number;
  rt_cycles(): number;
  memory_pages(): number;
  /** Core operations running; after a stack overflow, 0 means it struck outside them (assembly/core-depth.ts). */
  core_depth(): number;
  /** AssemblyScript's shadow stack pointer, and its restore after a stack overflow. */
  rt_shadow_stack(): number;
  rt_shadow_stack_restore(p: number): void;

  pool_create(): void;
  pool_destroy(): void;
  pool_is_active(): number;
  pool_alloc(size: number): number;
  pool_alloc_noexc(size: number): number;
  pool_calloc(n: number, size: number): number;
  pool_resize(p: number, size: number): number;
  pool_resize_noexc(p: number, size: number): number;
  pool_free(p: number): void;
  pool_strdup(s: number): number;
  pool_alloc_aligned(size: number, align: number): number;
  pool_size_of(p: number): number;
  pool_set_limit(bytes: number): void;
  pool_limit(): number;
  pool_blocks(): number;
  pool_bytes(): number;
  pool_peak_blocks(): number;
  pool_peak_bytes(): number;
  pool_total_allocs(): number;
  pool_total_frees(): number;
  pool_last_freed_blocks(): number;
  pool_last_freed_bytes(): number;
  pool_check(): number;
  pool_max_payload(): number;

  heap_alloc(size: number): number;
  heap_free(p: number): void;

  fault_set(mask: number): void;
  fault_get(): number;
  /** Test only: the n-th heap allocation from now answers "out of heap", once; 0 turns it off. */
  fault_fail_allocation(n: number): void;

  failure_check(): number;
  failure_message(): number;
  failure_address(): number;
  failure_kind(): number;
  failure_generation(): number;
  failure_field(): number;
  failure_target(): number;
  failure_clear(): void;

  // GC heap (assembly/index.ts, "heap"). Values and pointers are u32 words;
  // read them with `>>> 0`. NO_HANDLE / a 0 pointer: out of heap (maxHeap).
  heap_configure(nursery: number, generations: number, sanity: number): void;
  heap_block_new(tag: number, n: number): number;
  heap_get(slot: number, i: number): number;
  heap_set(slot: number, i: number, v: number): void;
  heap_block_length(slot: number): number;
  heap_block_tag(slot: number): number;
  heap_float_new(x: number): number;
  heap_bytes_new(n: number): number;
  heap_string_new(n: number): number;
  heap_set_new_string(slot: number, i: number, n: number): number;
  heap_hostref_new(index: number): number;
  heap_kind(p: number): number;
  heap_length(p: number): number;
  heap_payload(p: number): number;
  heap_float_value(p: number): number;
  heap_hostref_index(p: number): number;
  heap_generation_of(p: number): number;
  heap_poll(): number;
  heap_nursery_size(): number;
  heap_nursery_used(): number;
  heap_nursery_promotions(): number;
  heap_generations(): number;
  heap_gen_bytes(g: number): number;
  heap_gen_objects(g: number): number;
  heap_gen_chunk_bytes(g: number): number;
  heap_gen_collections(g: number): number;
  heap_remset_length(g: number): number;
  /** Since startup: objects the write barrier put on a remembered set, and set entries collections scanned as roots. */
  heap_remset_recorded(): number;
  heap_remset_scanned(): number;
  gc_collect(major: number): void;
  gc_count(): number;
  /** Where gc_count's u32 lives in memory, fixed for the instance: read without a call. */
  gc_count_address(): number;
  gc_major_count(): number;
  /** Bytes all collections since startup kept (copied, or promoted in place). */
  gc_copied_total(): number;
  gc_pause_last(): number;
  gc_pause_max(): number;
  gc_pause_total(): number;
  gc_pause_count(kind: number): number;
  gc_pause_percentile(kind: number, q: number): number;
  gc_pause_log_start(buffer: number, capacity: number): void;
  gc_pause_log_length(): number;
  gc_pause_log_dropped(): number;
  handle_new(v: number): number;
  handle_free(slot: number): void;
  handle_get(slot: number): number;
  handle_is_live(slot: number): number;
  handle_live(): number;
  handle_capacity(): number;
  hostref_live(): number;
  hostref_dead_length(): number;
  hostref_dead_queue(): number;
  hostref_dead_clear(): void;
  root_depth(): number;
  root_truncate(depth: number): void;
  /** 1 when a mutator held Hp and it was handed back to where it was taken. */
  heap_reclaim_hp(): number;
  sanity_check(): number;

  // MVars and their blocked threads (assembly/mvar/).
  mvar_new(value: number): number;
  mvar_take(slot: number): number;
  mvar_read(slot: number): number;
  mvar_put(slot: number, value: number): number;
  mvar_try_take(slot: number): number;
  mvar_try_read(slot: number): number;
  mvar_try_put(slot: number, value: number): number;
  mvar_is_empty(slot: number): number;
  mvar_cancel(id: number): number;
  mvar_threads_blocked(): number;
  mvar_woken_length(): number;
  mvar_woken_address(): number;
  mvar_mailbox(): number;
  mvar_chaos_set(countdown: number): void;
  mvar_queue_entry(slot: number, k: number): number;
  test_mvar_force_value(slot: number, value: number): void;
  heap_is_remembered(p: number): number;
  test_build_list(n: number): number;
  test_check_list(slot: number): number;

  // Custom blocks (assembly/heap/custom.ts) and the shutdown order (lifecycle.ts).
  custom_new(finaliser: number, flags: number, number: number, length: number): number;
  custom_finaliser(p: number): number;
  custom_flags(p: number): number;
  custom_number(p: number): number;
  custom_bytes(p: number): number;
  custom_live(): number;
  custom_queued(): number;
  custom_dead_count(): number;
  custom_dead_queue(): number;
  custom_dead_bytes(): number;
  custom_dead_clear(): void;
  custom_finalise_all(): number;
  finalise_register(slot: number, index: number, last: number): void;
  finalise_due_first_length(): number;
  finalise_due_first_data(): number;
  finalise_due_weak_length(): number;
  finalise_due_weak_data(): number;
  finalise_due_last_length(): number;
  finalise_due_last_data(): number;
  finalise_due_clear(): void;
  finalise_all(): number;
  finalise_registered(last: number): number;
  finalise_queued_total(): number;
  weak_new(keySlot: number, value: number, finaliser: number): number;
  weak_value(p: number): number;
  weak_is_dead(p: number): number;
  weak_finalize(p: number): number;
  weak_listed(): number;
  weak_cleared(): number;
  ephemeron_new(keysSlot: number, data: number): number;
  ephemeron_data(p: number): number;
  ephemeron_is_dead(p: number): number;
  ephemeron_key_count(p: number): number;
  ephemeron_key(p: number, i: number): number;
  ephemeron_listed(): number;
  ephemeron_cleared(): number;
  ephemeron_cleared_last(): number;
  rt_unfinalised_customs(): number;
  custom_mutator_made(): number;
  finalise_mutator_registered(): number;
  call_custom_finaliser(fn: number, payload: number): void;
  call_finalise_function(fn: number, slot: number): void;
  call_function(fn: number): void;
}

/** Fault injection switches of the core (assembly/faults.ts). */
export const CoreFault = {
  poolLeak: 1 << 0,
  /** The write barrier skips stores that create an old-to-young pointer (test only). */
  barrierSkipYoung: 1 << 1,
  /** A put pops its MVar's queue head without the write barrier: GHC 8.10.2's bug (test only). */
  mvarPopNoBarrier: 1 << 2,
  /** The collector leaves a traced weak's value at its from-space address (test only). */
  weakStaleValue: 1 << 3,
  /** The collector leaves a finaliser registration at its from-space address (test only). */
  finaliseStaleEntry: 1 << 4,
  /** A nursery promoted in place keeps the forwarded stubs of the objects copied first (test only). */
  promoteKeepStubs: 1 << 5,
  /** The collector leaves a traced ephemeron's datum at its from-space address (test only). */
  ephemeronStaleData: 1 << 6,
  /** The sanity checker walks every handle's list by recursion, as the core never may (test only). */
  sanityRecurse: 1 << 7,
} as const;

/** Which build of the core to load. */
export type CoreBuild = "release" | "debug";
