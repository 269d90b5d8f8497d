// Init and exit, reference counted, restartable in the same instance.
// After OCaml's caml_startup/caml_shutdown and GHC's hs_init/hs_exit, but
// unlike both, init after a complete exit works, forever.
//
// Note [Shutdown order]
// ~~~~~~~~~~~~~~~~~~~~~
// The last exit tears down in this order, each step relying on the ones after
// it not having happened yet (after OCaml's caml_shutdown, PR #71):
//   (0) reject the operations still blocked (host side: their threads can
//       never be woken once the heap is gone)
//   (1) one wave of finalise/finaliseLast functions (host side)
//   (2) every live custom block's finaliser, exactly once: the host calls
//       custom_finalise_all, which moves every block still alive to the dead
//       queue (heap/custom.ts), and runs the queue. A finaliser may live in a
//       library, so this comes before (4)
//   (3) release every host reference (host side)
//   (4) unload libraries: no finaliser may outlive its code (host side;
//       there is no other way to unload one, so none is gone before now)
//   (5) destroy the pool: every byte allocated since init comes back at once,
//       the GC heap's nursery, chunks and tables included. Custom blocks
//       still unfinalised here (live, or queued and never run) are counted
//       first (unfinalisedAtExit): the host reports them as a failure
//   (6) reset every module's state, so the next init starts from scratch
//       (the heap's at once, heapReset; the pool's counters when the host
//       has read them, resetAfterShutdown).
// Steps (0)–(4) are the host's (src/runtime.ts, #exit; docs/finalisers.md):
// they run host code, which must never run inside the core.
//
// Note [Exit clears the failure record]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Every exit starts by forgetting the failure record (failure.ts). A checker
// verdict belongs to the cycle that recorded it: the host reads it after the
// call that made it (a SanityError), and by exit that moment has passed. Left
// in place it would outlive the cycle: recordFailure keeps only the first
// verdict, so the next cycle's own verdicts would be dropped and every poll
// would report a failure that cycle never had; and an unmatched exit could
// not record its own message. Nothing in shutdown records a verdict, so the
// last exit leaves the record clean; an unmatched exit leaves exactly its
// own, for the host to read, and the next startup forgets that one too.
//
// Note [Restart without growth]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Every byte the core allocates after init comes from the pool, and TLSF
// coalesces the blocks destroy frees; so after exit the allocator holds one
// free block spanning all the memory grown so far, and a restart starts from
// that state. The same workload from the same state places every block the
// same way, so once a cycle fits without growing memory.size(), every later
// cycle of that workload fits too. The first restart can differ from the very
// first cycle (a fresh instance grows step by step, so TLSF sees smaller free
// blocks and may place the work differently): it may grow memory once, after
// which memory.size() holds for good. The stress harness checks exactly this
// (Note [Restart fixpoint], src/stress/checks.ts).

// Note [The mutator's own objects at shutdown]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A plugin (docs/plugins.md) may allocate AssemblyScript's own managed
// objects beside the heap: strings, arrays. They come from the same TLSF
// allocator as the pool but are outside it, and the incremental runtime
// frees its garbage some allocations later, not at once. Left to that, a
// cycle's garbage would still hold TLSF blocks when the next cycle starts,
// at places that differ from cycle to cycle, and memory.size() would grow a
// second and third time before settling, breaking Note [Restart without
// growth] (measured: the Scheme plugin's restart series grew 20 → 40 → 80
// pages, cycle 3 growing for the second time). So the last exit, after the
// pool is destroyed, runs a full managed collection: what the mutator keeps
// (its globals) stays, all its garbage goes, and every cycle starts from the
// same allocator state. The default core allocates managed objects only for
// a trap's message, and its collection is all but free.
import { poolCreate, poolDestroy, poolReset, poolEscapeBlock, poolIsActive } from "./pool";
import { faultOn, FAULT_POOL_LEAK, POOL_LEAK_BYTES } from "./faults";
import { recordFailure, clearFailure, CHECK_LIFECYCLE } from "./failure";
import { heapStartup, heapReset } from "./heap/collect";
import { customLive, customDeadCount } from "./heap/custom";

/** Returned by exit when no init matches it. */
@inline export const EXIT_UNMATCHED: i32 = -1;

let refcount: i32 = 0;
/** Completed init → exit cycles in this instance. */
let cycles: u32 = 0;
/** Custom blocks the last shutdown found never finalised (step 5). */
let unfinalisedAtExit: u32 = 0;

/** Takes a reference; the first one starts the runtime. Returns the count. */
export function init(): i32 {
  if (refcount == 0) startup();
  return ++refcount;
}

/**
 * Drops a reference; the last one shuts the runtime down. Returns the count
 * left, or EXIT_UNMATCHED (and records why) when no init matches this exit.
 * See Note [Exit clears the failure record].
 */
export function exit(): i32 {
  clearFailure();
  if (refcount == 0) {
    recordFailure(CHECK_LIFECYCLE, "rt_exit: exit without a matching init: the runtime is not initialised (call init first; every init needs exactly one exit)", 0, 0, 0, 0, 0);
    return EXIT_UNMATCHED;
  }
  if (--refcount == 0) shutdown();
  return refcount;
}

export function refcountOf(): i32 { return refcount; }
export function cyclesOf(): u32 { return cycles; }
export function isRunning(): bool { return refcount > 0; }
export function unfinalisedCustomsAtExit(): u32 { return unfinalisedAtExit; }

function startup(): void {
  clearFailure();
  poolCreate();
  if (faultOn(FAULT_POOL_LEAK)) poolEscapeBlock(POOL_LEAK_BYTES);
  // The heap as heap_configure set it up; the nursery itself comes with the
  // first allocation (Note [Lazy nursery] in heap/nursery.ts).
  heapStartup();
}

/** See Note [Shutdown order]. */
function shutdown(): void {
  unfinalisedAtExit = customLive() + customDeadCount();
  if (poolIsActive()) poolDestroy();
  // Every heap byte was a pool block: only the addresses remain to forget.
  heapReset();
  // A plugin's own AssemblyScript objects are not pool blocks: Note [The
  // mutator's own objects at shutdown].
  __collect();
  cycles++;
}

/** Step (5): called by the host once it has read the shutdown figures. */
export function resetAfterShutdown(): void {
  if (refcount != 0) return;
  poolReset();
}
