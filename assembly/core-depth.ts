// The core's depth: how many of its own operations are running. A stack
// overflow (V8's RangeError) can unwind the wasm stack at any call, and wasm
// has no `finally`: an operation cut off half-way leaves its structure half
// updated. So every core operation that updates more than one word across a
// call counts itself here, and the host reads the count after an overflow.
//
// Note [Overflow inside or outside the core]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// An overflow unwinds without running any coreLeave, so the count it leaves
// says where it struck: 0, in the mutator, between core operations, where
// every structure of the core is whole (the heap, the remembered sets, the
// pool ring, the MVar queues, the registries); above 0, inside one, whose
// structure may be half updated. The host keeps the runtime in the first
// case (src/runtime.ts, Runtime.call; docs/stack-overflow.md) and discards it
// in the second. Counted: the allocation slow path (allocSlow: nursery
// creation, the collection it makes), every collection, the write barrier's
// slow path (barrierRecord: REMEMBERED set, then the push), bookkeeping
// growth (metaResize: every pool block the core takes), handles, the MVar
// operations, custom / finalise / weak registration, the sanity checker.
// Not counted, because an overflow cannot strike inside them: the fast paths
// (bump allocation, the barrier's test, a field store, a root push that does
// not grow), which make no call between their stores. The cost is a global
// increment and decrement on slow paths only (docs/decisions.md).

let depth: u32 = 0;

/** On entry to a core operation. */
@inline export function coreEnter(): void { depth++; }
/** On its exit (every return path). */
@inline export function coreLeave(): void { depth--; }
/** How many core operations are running: after an overflow, 0 means it struck outside them. */
export function coreDepth(): u32 { return depth; }
/** At startup: a cycle starts outside every operation. */
export function coreDepthReset(): void { depth = 0; }
