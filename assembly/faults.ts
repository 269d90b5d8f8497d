// Fault injection switches: each one breaks one promise on purpose, so a test
// can show that the checker responsible for that promise notices. Set only by
// tests and the stress harness (`--inject`); documented in docs/faults.md.

/** One block per init escapes the ring while staying counted (pool.ts). */
@inline export const FAULT_POOL_LEAK: u32 = 1 << 0;

/** The write barrier skips recording stores that create an old-to-young
 *  pointer (barrier.ts); the sanity checker must report the object. Test only. */
@inline export const FAULT_BARRIER_SKIP_YOUNG: u32 = 1 << 1;

/** A put pops its MVar's queue head without the write barrier (mvar/mvar.ts):
 *  GHC 8.10.2's bug; the sanity checker must report the MVar. Test only. */
@inline export const FAULT_MVAR_POP_NO_BARRIER: u32 = 1 << 2;

/** The collector leaves a traced weak pointer's value at its from-space
 *  address (weak.ts); the sanity checker must report the weak. Test only. */
@inline export const FAULT_WEAK_STALE_VALUE: u32 = 1 << 3;

/** The collector leaves a finaliser registration at its object's
 *  from-space address (finalise.ts); the sanity checker must report the
 *  table entry. Test only. */
@inline export const FAULT_FINALISE_STALE_ENTRY: u32 = 1 << 4;

/** A minor collection that promotes the nursery in place leaves the stubs
 *  of the objects it copied first forwarded (promote.ts); the sanity
 *  checker's heap walk must report one. Test only. */
@inline export const FAULT_PROMOTE_KEEP_STUBS: u32 = 1 << 5;

/** The collector leaves a traced ephemeron's datum at its from-space
 *  address (heap/ephemeron.ts); the sanity checker must report the
 *  ephemeron. Test only. */
@inline export const FAULT_EPHEMERON_STALE_DATA: u32 = 1 << 6;

/** Size of the block FAULT_POOL_LEAK leaks: large enough that in-instance
 *  restarts must grow memory.size() within a few cycles. */
@inline export const POOL_LEAK_BYTES: usize = 64 << 10;

let enabled: u32 = 0;

export function faultsSet(mask: u32): void { enabled = mask; }
export function faultsEnabled(): u32 { return enabled; }
@inline export function faultOn(fault: u32): bool { return (enabled & fault) != 0; }

// Note [Failing the n-th allocation]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// An operation that allocates several objects (a channel's MVars, a block
// and its fields' boxes) must leave nothing behind when one of them fails
// (Note [A channel made part-way is let go], src/threads/chan.ts). maxHeap
// cannot make "the k-th allocation" fail: room comes back a collection
// chunk at a time. So a test sets a countdown: the n-th heap allocation from
// now (allocObject, every kind) answers 0, "out of heap", once, as if
// maxHeap had refused it; the ones before and after succeed. 0 turns it off.

/** Heap allocations left until the one that fails; 0: off. */
let allocationsLeft: u32 = 0;

export function faultFailAllocation(n: u32): void { allocationsLeft = n; }

/** True for the allocation the countdown picked; See Note [Failing the n-th allocation]. */
@inline export function allocationFails(): bool {
  if (allocationsLeft == 0) return false;
  allocationsLeft--;
  return allocationsLeft == 0;
}
