// The core's exports, and nothing else. Names follow one grammar:
// <module>_<verb>, snake_case. 64-bit counters cross as f64 (exact below 2^53)
// so the host never handles BigInt on a hot path.

import * as pool from "./pool";
import * as lifecycle from "./lifecycle";
import * as faults from "./faults";
import * as coreDepth from "./core-depth";
import * as failure from "./failure";
import { ABI_VERSION } from "./abi";

// ── the ABI's version: the host refuses a plugin built on another (abi.ts) ──
export function abi_version(): u32 { return ABI_VERSION; }

// ── lifecycle ──
export function rt_init(): i32 { return lifecycle.init(); }
export function rt_exit(): i32 { return lifecycle.exit(); }
export function rt_reset(): void { lifecycle.resetAfterShutdown(); }
export function rt_refcount(): i32 { return lifecycle.refcountOf(); }
export function rt_cycles(): u32 { return lifecycle.cyclesOf(); }
export function memory_pages(): i32 { return memory.size(); }
/** Core operations running; after a stack overflow, 0 means it struck outside them (Note [Overflow inside or outside the core]). */
export function core_depth(): u32 { return coreDepth.coreDepth(); }
/**
 * AssemblyScript's shadow stack pointer (managed locals: the core's own
 * strings, a plugin's objects). Frames cut off by a stack overflow never
 * give their slots back, so the host restores it to its value at the call's
 * entry (docs/stack-overflow.md).
 */
export function rt_shadow_stack(): usize { return __stack_pointer; }
export function rt_shadow_stack_restore(p: usize): void { __stack_pointer = p; }

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

// Raw TLSF, outside the ring: the benchmark rows' buffers, and tests that place blocks.
export function heap_alloc(size: usize): usize { return heap.alloc(size); }
export function heap_free(p: usize): void { heap.free(p); }

// ── fault injection (tests and the stress harness only) ──
export function fault_set(mask: u32): void { faults.faultsSet(mask); }
export function fault_get(): u32 { return faults.faultsEnabled(); }
/** The n-th heap allocation from now fails as out of heap, once (0: off); Note [Failing the n-th allocation]. */
export function fault_fail_allocation(n: u32): void { faults.faultFailAllocation(n); }

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
import * as heapPromote from "./heap/promote";
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
/** heap_string_new and heap_set in one call, the poll bits left in the mailbox (mvar_mailbox) rather than asked by heap_poll. */
export function heap_set_new_string(slot: u32, i: u32, n: u32): u32 {
  let p = heapOps.blockSetNewString(slot, i, n);
  mvarMailbox.publish();
  return p;
}
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
/**
 * Bit 0: dead host references to drain; bit 1: a checker verdict is recorded;
 * bit 2: woken threads to drain (mvar_woken_*); bit 3: the chaos countdown
 * fired and wants re-arming (mvar_chaos_set); bit 4: dead custom blocks to
 * finalise (custom_dead_*); bit 5: finalise/finaliseLast/weak functions due
 * (finalise_due_*). Computed in one place (mvar/mailbox.ts, pollBits), since
 * every MVar operation also leaves it in its mailbox.
 */
export function heap_poll(): u32 {
  return mvarMailbox.pollBits();
}
export function heap_nursery_size(): usize { return heapNursery.nurserySize(); }
export function heap_nursery_used(): usize { return heapNursery.nurseryUsed(); }
export function heap_nursery_promotions(): u32 { return heapPromote.nurseryPromotions(); }
export function heap_generations(): i32 { return heapGen.generationCount(); }
export function heap_gen_bytes(g: i32): u32 { return heapGen.genBytes(g); }
export function heap_gen_objects(g: i32): u32 { return heapGen.genObjects(g); }
export function heap_gen_chunk_bytes(g: i32): u32 { return heapGen.genChunkBytes(g); }
export function heap_gen_collections(g: i32): u32 { return heapGen.genCollections(g); }
export function heap_remset_length(g: i32): u32 { return barrier.remsetLength(g); }
export function heap_remset_recorded(): f64 { return barrier.remsetRecordedTotal(); }
export function heap_remset_scanned(): f64 { return barrier.remsetScannedTotal(); }
export function gc_collect(major: bool): void { heapCollect.collect(major ? heapGen.generationCount() - 1 : heapCollect.policyLevel()); }
export function gc_count(): u32 { return heapCollect.collectionCount(); }
export function gc_count_address(): usize { return heapCollect.collectionCountAddress(); }
export function gc_major_count(): u32 { return heapCollect.majorCollectionCount(); }
export function gc_copied_total(): f64 { return heapCollect.copiedTotalBytes(); }
export function gc_pause_last(): f64 { return heapPauses.pauseLastMs(); }
export function gc_pause_max(): f64 { return heapPauses.pauseMaxMs(); }
export function gc_pause_total(): f64 { return heapPauses.pauseTotalMs(); }
export function gc_pause_count(kind: i32): u32 { return heapPauses.pauseCount(kind); }
export function gc_pause_percentile(kind: i32, q: f64): f64 { return heapPauses.pausePercentile(kind, q); }
/** Benchmarks: log every pause as (kind f64, ms f64) into the host's buffer; 0 stops. */
export function gc_pause_log_start(buffer: usize, capacity: u32): void { heapPauses.pauseLogStart(buffer, capacity); }
export function gc_pause_log_length(): u32 { return heapPauses.pauseLogLength(); }
export function gc_pause_log_dropped(): u32 { return heapPauses.pauseLogDropped(); }
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
/** After a stack overflow outside the core: the root stack back at the call's depth, a loaned Hp back (1 when it was loaned). */
export function root_truncate(depth: u32): void { heapRoots.rootTruncate(depth); }
export function heap_reclaim_hp(): bool { return heapNursery.nurseryReclaimHp(); }
export function sanity_check(): bool { return sanity.sanityCheck(); }
export function test_build_list(n: u32): u32 { return heapOps.testBuildList(n); }
export function test_check_list(slot: u32): f64 { return heapOps.testCheckList(slot); }

// ── MVars and their blocked threads (mvar/: mvar.ts, tso.ts, wake.ts, mailbox.ts, chaos.ts) ──
// A blocking operation that has to wait returns TAKE_BLOCKED / PUT_BLOCKED;
// each operation leaves the blocked thread's id, the poll bits and the wake
// list (triples (id, state, value) of u32) in its mailbox (mvar_mailbox).
import * as mvar from "./mvar/mvar";
import * as mvarTso from "./mvar/tso";
import * as mvarWake from "./mvar/wake";
import * as mvarMailbox from "./mvar/mailbox";
import * as mvarChaos from "./mvar/chaos";

export function mvar_new(value: u32): u32 { return mvar.mvarNew(value); }
export function mvar_take(slot: u32): u32 { return mvar.mvarTake(slot); }
export function mvar_read(slot: u32): u32 { return mvar.mvarRead(slot); }
export function mvar_put(slot: u32, v: u32): u32 { return mvar.mvarPut(slot, v); }
export function mvar_try_take(slot: u32): u32 { return mvar.mvarTryTake(slot); }
export function mvar_try_read(slot: u32): u32 { return mvar.mvarTryRead(slot); }
export function mvar_try_put(slot: u32, v: u32): bool { return mvar.mvarTryPut(slot, v); }
export function mvar_is_empty(slot: u32): bool { return mvar.mvarIsEmpty(slot); }
export function mvar_cancel(id: u32): bool { return mvar.mvarCancel(id); }
export function mvar_threads_blocked(): u32 { return mvarTso.threadsBlocked(); }
export function mvar_woken_length(): u32 { return mvarWake.wakeListLength(); }
export function mvar_woken_address(): usize { return mvarWake.wakeListAddress(); }
/** The mailbox every operation leaves for the host: poll bits, blocked id, wake list (mvar/mailbox.ts). */
export function mvar_mailbox(): usize { return mvarMailbox.mailboxAddress(); }
export function mvar_chaos_set(countdown: u32): void { mvarChaos.chaosSet(countdown); }
/** Tests: the k-th entry of an MVar's queue (0 when there is none), and whether an object is REMEMBERED. */
export function mvar_queue_entry(slot: u32, k: u32): usize { return mvar.mvarQueueEntry(slot, k); }
export function test_mvar_force_value(slot: u32, v: u32): void { mvar.testForceValue(slot, v); }
export function heap_is_remembered(p: usize): bool { return (heapLayout.infoOf(p) & heapLayout.REMEMBERED) != 0; }

// ── custom blocks (heap/custom.ts); the shutdown order is Note [Shutdown order] ──
// custom_new returns the object (0: out of heap); with CUSTOM_BYTES the host
// fills custom_bytes(p) at once. Dead blocks are records in the dead queue.
import * as heapCustom from "./heap/custom";

export function custom_new(finaliser: u32, flags: u32, number: f64, length: u32): u32 { return <u32>heapCustom.allocCustom(finaliser, flags, number, length); }
export function custom_finaliser(p: usize): u32 { return heapCustom.customFinaliser(p); }
export function custom_flags(p: usize): u32 { return heapCustom.customFlags(p); }
export function custom_number(p: usize): f64 { return heapCustom.customNumber(p); }
export function custom_bytes(p: usize): usize { return heapCustom.customBytes(p); }
export function custom_live(): u32 { return heapCustom.customLive(); }
export function custom_queued(): u32 { return heapCustom.customQueued(); }
export function custom_dead_count(): u32 { return heapCustom.customDeadCount(); }
export function custom_dead_queue(): usize { return heapCustom.customDeadQueue(); }
export function custom_dead_bytes(): usize { return heapCustom.customDeadBytes(); }
export function custom_dead_clear(): void { heapCustom.customDeadClear(); }
export function custom_finalise_all(): u32 { return heapCustom.customFinaliseAll(); }
export function rt_unfinalised_customs(): u32 { return lifecycle.unfinalisedCustomsAtExit(); }
// A plugin's own functions as finalisers (heap/mutator-finalisers.ts): an
// index with bit 31 set; the host runs them through these calls.
import * as mutatorFinalisers from "./heap/mutator-finalisers";
export function custom_mutator_made(): u32 { return mutatorFinalisers.mutatorCustomsMade(); }
export function finalise_mutator_registered(): u32 { return mutatorFinalisers.mutatorFunctionsRegistered(); }
export function call_custom_finaliser(fn: u32, payload: f64): void { mutatorFinalisers.callCustomFinaliser(fn, payload); }
export function call_finalise_function(fn: u32, slot: u32): void { mutatorFinalisers.callFinaliseFunction(fn, slot); }
export function call_function(fn: u32): void { mutatorFinalisers.callFunction(fn); }

// ── finalise / finaliseLast and weak pointers (heap/finalise.ts, heap/weak.ts) ──
// Registrations and weaks name the host's function indices. Due functions
// wait in three queues the host drains in order (Note [Finaliser order]):
// first (pairs index, value), weak (index), last (index).
import * as heapFinalise from "./heap/finalise";
import * as heapWeak from "./heap/weak";
import * as heapVec from "./heap/vec";

/** Registers function `index` for the object handle `slot` holds; traps on a handle that holds no object. */
export function finalise_register(slot: u32, index: u32, last: bool): void {
  if (!heapHandles.handleIsLive(slot)) failure.fail("finalise_register: " + slot.toString() + " is not a live handle");
  let v = heapHandles.handleGet(slot);
  if (!heapLayout.isPointer(v)) failure.fail("finalise_register: handle " + slot.toString() + " holds no object");
  heapFinalise.finaliseRegister(<usize>v, index, last);
}
export function finalise_due_first_length(): u32 { return heapVec.vecLength(heapFinalise.finaliseFirstDue()) >> 1; }
export function finalise_due_first_data(): usize { return heapVec.vecData(heapFinalise.finaliseFirstDue()); }
export function finalise_due_weak_length(): u32 { return heapVec.vecLength(heapFinalise.finaliseWeakDue()); }
export function finalise_due_weak_data(): usize { return heapVec.vecData(heapFinalise.finaliseWeakDue()); }
export function finalise_due_last_length(): u32 { return heapVec.vecLength(heapFinalise.finaliseLastDue()); }
export function finalise_due_last_data(): usize { return heapVec.vecData(heapFinalise.finaliseLastDue()); }
export function finalise_due_clear(): void { heapFinalise.finaliseDueClear(); }
/** Shutdown step (1): queues every registration and weak finaliser; how many. */
export function finalise_all(): u32 { return heapFinalise.finaliseAllRegistered(); }
export function finalise_registered(last: bool): u32 { return last ? heapFinalise.finaliseRegisteredLast() : heapFinalise.finaliseRegisteredFirst(); }
export function finalise_queued_total(): u32 { return heapFinalise.finaliseQueuedTotal(); }
/** A weak pointer from the object in handle `keySlot` to `value`; 0 when out of heap. */
export function weak_new(keySlot: u32, value: u32, finaliser: u32): u32 {
  if (!heapHandles.handleIsLive(keySlot)) failure.fail("weak_new: " + keySlot.toString() + " is not a live handle");
  let key = heapHandles.handleGet(keySlot);
  if (!heapLayout.isPointer(key)) failure.fail("weak_new: handle " + keySlot.toString() + " holds no object");
  return <u32>heapWeak.allocWeak(key, value, finaliser);
}
export function weak_value(p: usize): u32 { return heapWeak.weakValue(p); }
export function weak_is_dead(p: usize): bool { return heapWeak.weakIsDead(p); }
/** Clears the weak now; its finaliser + 1 for the host to run, 0 for none. */
export function weak_finalize(p: usize): u32 { return heapWeak.weakFinalize(p); }
export function weak_listed(): u32 { return heapWeak.weaksListed(); }
export function weak_cleared(): u32 { return heapWeak.weaksCleared(); }

// ── ephemerons (heap/ephemeron.ts) ──
import * as heapEphemeron from "./heap/ephemeron";

/** An ephemeron whose keys are the fields of the block in handle `keysSlot` (each an object) and whose datum is `data`; 0 when out of heap. */
export function ephemeron_new(keysSlot: u32, data: u32): u32 {
  if (!heapHandles.handleIsLive(keysSlot)) failure.fail("ephemeron_new: " + keysSlot.toString() + " is not a live handle");
  let keys = heapHandles.handleGet(keysSlot);
  if (!heapLayout.isPointer(keys) || !heapEphemeron.ephemeronKeysValid(<usize>keys)) failure.fail("ephemeron_new: handle " + keysSlot.toString() + " holds no block of one or more objects");
  return <u32>heapEphemeron.allocEphemeron(<usize>keys, data);
}
export function ephemeron_data(p: usize): u32 { return heapEphemeron.ephemeronData(p); }
export function ephemeron_is_dead(p: usize): bool { return heapEphemeron.ephemeronIsDead(p); }
export function ephemeron_key_count(p: usize): u32 { return heapEphemeron.ephemeronKeyCount(p); }
/** Key i of the ephemeron (VALUE_NONE once dead); traps when i is out of range. */
export function ephemeron_key(p: usize, i: u32): u32 {
  if (i >= heapEphemeron.ephemeronKeyCount(p)) failure.fail("ephemeron_key: key " + i.toString() + " of " + heapEphemeron.ephemeronKeyCount(p).toString());
  return heapEphemeron.ephemeronKey(p, i);
}
export function ephemeron_listed(): u32 { return heapEphemeron.ephemeronsListed(); }
export function ephemeron_cleared(): u32 { return heapEphemeron.ephemeronsCleared(); }
export function ephemeron_cleared_last(): u32 { return heapEphemeron.ephemeronsClearedLast(); }
