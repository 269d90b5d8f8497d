// Memory for the heap's own bookkeeping (handle table, remembered sets, root
// stack, host-reference lists) and for to-space during a collection: pool
// blocks taken regardless of maxHeap.
//
// Note [maxHeap and the collector]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A copying collection cannot stop half way: once an object is evacuated its
// from-space copy is garbage, so to-space must be had whatever the limit. And
// a write barrier or a handle cannot fail either. So maxHeap (the pool's byte
// limit) is enforced where an allocation can fail cleanly: a nursery
// allocation that finds the nursery full runs a collection, and if the pool
// is over the limit afterwards, runs a major one; if it is still over, the
// allocation fails with OutOfMemory (collect.ts). Large objects ask the pool
// directly and are refused the same way. During a collection the limit is
// lifted (liftLimit) and put back when it ends: the heap can exceed the
// limit by at most one collection's survivors. After a refusal the nursery is
// closed (nurseryClose), so every later allocation collects and checks again:
// all fail until the host lets go of enough, then the next one succeeds.

import { poolLimit, poolSetLimit, poolResizeNoexc, poolAllocNoexc } from "../pool";
import { coreEnter, coreLeave } from "../core-depth";
import { fail } from "../failure";

@inline const NO_LIMIT: u64 = <u64>u32.MAX_VALUE;

let savedLimit: u64 = NO_LIMIT;
let lifted: i32 = 0;

/** Lifts the pool limit until the matching restoreLimit (nests). */
export function liftLimit(): void {
  if (lifted++ == 0) {
    savedLimit = poolLimit();
    poolSetLimit(NO_LIMIT);
  }
}

export function restoreLimit(): void {
  if (lifted <= 0) fail("restoreLimit: not lifted");
  if (--lifted == 0) poolSetLimit(savedLimit);
}

/** Grows (or allocates, p == 0) a bookkeeping block; traps only when memory itself is exhausted. */
export function metaResize(p: usize, bytes: usize): usize {
  coreEnter(); // Note [Overflow inside or outside the core] (core-depth.ts): the pool ring
  liftLimit();
  let q = p == 0 ? poolAllocNoexc(bytes) : poolResizeNoexc(p, bytes);
  restoreLimit();
  coreLeave();
  if (q == 0) fail("metaResize: out of memory growing heap bookkeeping to " + bytes.toString() + " bytes");
  return q;
}

export function metaReset(): void {
  lifted = 0;
  savedLimit = NO_LIMIT;
}
