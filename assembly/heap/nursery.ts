// The nursery: one pool block, bump-allocated, emptied by every collection
// and reused, never freed before shutdown.
//
//   start                       hp                         limit
//   ▼                           ▼                          ▼
//   ┌───────────────────────────┬──────────────────────────┐
//   │ objects allocated since   │ free                     │
//   │ the last collection       │                          │
//   └───────────────────────────┴──────────────────────────┘
//   [start..hp) objects, each objectSize bytes, back to back; [hp..limit) free.
//
// Objects here carry generation 0 in their header: the nursery is generation
// 0's allocation area, and its survivors age once in generation 0's chunks
// before promotion (evacuate.ts). Whether an object is in the nursery is an
// address test, not a header bit, so allocation writes nothing but the header.
//
// Note [Lazy nursery]
// ~~~~~~~~~~~~~~~~~~~
// Startup only records the configured size; the first allocation that finds
// the nursery full (hp == limit == 0 at first) creates it, pre-touched, and it
// then lives until shutdown. So a runtime cycle that never allocates on the
// heap costs no 1 MiB block and no page touching (the stress harness restarts
// thousands of times), and its pool counters show only what it allocated.
// The nursery is fixed overhead, not data: it is taken whatever maxHeap says
// (Note [maxHeap and the collector]).
//
// Note [Hp in a local]
// ~~~~~~~~~~~~~~~~~~~~
// The bump pointer `hp` is a wasm global, and V8 keeps mutable globals in
// memory: an allocation that reads hp and writes it back waits on the
// previous allocation's store, ~2 ns per object where a bump pointer in a
// local costs ~0.85 ns (docs/bench.md, heap/nursery-alloc). So, as GHC keeps
// Hp in a register and writes it to the capability only when a heap check
// fails or the code calls out, an AssemblyScript mutator may take Hp into a
// local for a run of allocations:
//
//   let hp = nurseryHp();                // the mutator holds Hp from here on
//   if (!hpCheck(hp, bytes)) hp = hpRefill(hp, bytes);   // no room: alloc.ts, may collect
//   let p = hp;  hp += bytes;  …initialise p…
//   nurserySetHp(hp);                    // hand Hp back
//
// The check is a compare and a branch, not a select of the object or 0, so the
// loop-carried chain through hp stays one add.
//
// Hp is only valid in the mutator: while a mutator holds it, the global is
// meaningless and nothing may read or move it. The mutator hands Hp back
// (nurserySetHp, or hpRefill, which does it for the slow path) before
// anything that may collect, allocate through another path, or look at the
// nursery's fill (the collector, allocObject and friends, stats, the sanity
// checker's walk, a call to the host), and takes it again afterwards, since a
// collection empties the nursery. Reading and writing the fields of objects it
// allocated is fine: they are ordinary memory below its Hp.
//
// A broken rule fails loudly instead of corrupting the heap: while Hp is
// loaned the global hp is parked at `limit`, so every other allocation path
// finds the nursery full and reaches allocSlow, which refuses; the collector
// (beginEvacuation), nurseryTop, nurseryUsed and nurseryEmpty refuse too
// (nurseryCheckNotLoaned). Taking and handing back are two stores each, paid
// once per run of allocations.

import { fail } from "../failure";
import { metaResize } from "./meta";
import { OBJECT_ALIGN_MASK } from "./layout";
import { CHUNK_HEADER } from "./generations";

/** Default and smallest nursery, bytes (option `nursery`). */
@inline export const NURSERY_DEFAULT: usize = 1 << 20;
@inline export const NURSERY_MIN: usize = 64 << 10;

let configured: usize = NURSERY_DEFAULT;
/** The nursery's pool block: a chunk header, then the nursery (Note [Promoting the nursery in place], promote.ts). */
let block: usize = 0;
let start: usize = 0;
let size: usize = 0;
let hp: usize = 0;
let limit: usize = 0;
/** A mutator holds Hp in a local (Note [Hp in a local]). */
let loaned = false;
/** Where the mutator took Hp: everything below it was allocated before the loan. */
let loanedAt: usize = 0;

/** Startup: the size the nursery will have. See Note [Lazy nursery]. */
export function nurseryConfigure(bytes: usize): void {
  if (bytes < NURSERY_MIN) fail("nurseryConfigure: " + bytes.toString() + " bytes is below the minimum nursery of " + NURSERY_MIN.toString());
  configured = bytes;
}

export function nurseryExists(): bool { return start != 0; }

/** Allocates and pre-touches the nursery (first touch of a page is ~2 µs). */
export function nurseryCreate(): void {
  if (start != 0) fail("nurseryCreate: the nursery already exists");
  takeBlock(configured);
  memory.fill(start, 0, size);
}

function takeBlock(bytes: usize): void {
  block = metaResize(0, CHUNK_HEADER + bytes);
  start = block + CHUNK_HEADER;
  size = bytes;
  limit = start + size;
  hp = start;
}

/**
 * The nursery's objects stay where they are, in a generation now: hands the
 * caller the nursery's block (header first, so it can be a chunk) and takes
 * a fresh one. Not pre-touched: the mutator's first pass over it does that.
 */
export function nurseryRenew(): usize {
  nurseryCheckNotLoaned("nurseryRenew");
  let old = block;
  takeBlock(size);
  return old;
}

/** Bump allocation; 0 when the nursery is full. */
@inline export function nurseryAlloc(bytes: usize): usize {
  let p = hp;
  let next = p + bytes;
  if (next > limit) return 0;
  hp = next;
  return p;
}

@inline export function inNursery(p: usize): bool { return p - start < size; }

// ── Hp in a mutator's local: Note [Hp in a local] ──

/** Takes Hp: the caller holds the bump pointer until nurserySetHp. */
export function nurseryHp(): usize {
  if (loaned) fail("nurseryHp: Hp is already held by a mutator; hand it back with nurserySetHp first");
  loaned = true;
  let p = hp;
  loanedAt = p;
  hp = limit; // every other allocation path finds the nursery full
  return p;
}

/** Hands Hp back: `p` is the caller's bump pointer. */
export function nurserySetHp(p: usize): void {
  if (!loaned) fail("nurserySetHp: Hp is not held by a mutator (call nurseryHp first)");
  if (p < start || p > limit || (p & OBJECT_ALIGN_MASK) != 0) {
    fail("nurserySetHp: " + p.toString() + " is no bump pointer of the nursery [" + start.toString() + ", " + limit.toString() + "]");
  }
  hp = p;
  loaned = false;
}

/**
 * The heap check of a mutator holding Hp in a local: true when `bytes` fit
 * at `hp`, below the nursery's limit; the object is then at hp and the
 * caller moves hp by bytes. False: refill (hpRefill in alloc.ts) first.
 */
@inline export function hpCheck(hp: usize, bytes: usize): bool {
  return hp + bytes <= limit;
}

/** Refuses `who` while a mutator holds Hp: see Note [Hp in a local]. */
export function nurseryCheckNotLoaned(who: string): void {
  if (loaned) fail(who + ": the nursery's Hp is held by a mutator (nurseryHp without nurserySetHp); hand it back before anything that allocates, collects or reads the nursery");
}

/**
 * After a stack overflow cut a mutator off while it held Hp (Note [Hp in a
 * local]): Hp goes back to where the mutator took it, so everything it
 * allocated since is dropped. Safe only if nothing reachable points at
 * those objects; the host proves that with the sanity checker before it
 * keeps the runtime (docs/stack-overflow.md). True when Hp was held.
 */
export function nurseryReclaimHp(): bool {
  if (!loaned) return false;
  hp = loanedAt;
  loaned = false;
  return true;
}

export function nurseryStart(): usize { return start; }
export function nurseryTop(): usize {
  nurseryCheckNotLoaned("nurseryTop");
  return hp;
}
/** The configured size, whether or not the nursery exists yet. */
export function nurserySize(): usize { return configured; }
export function nurseryUsed(): usize {
  nurseryCheckNotLoaned("nurseryUsed");
  return hp - start;
}

/** After a collection: everything live has been evacuated. */
export function nurseryEmpty(): void {
  nurseryCheckNotLoaned("nurseryEmpty");
  hp = start;
  limit = start + size;
}

/**
 * Out of heap: the nursery refuses everything until the next collection, so
 * every allocation goes through the slow path and its maxHeap check again
 * (Note [maxHeap and the collector]), rather than filling the space the
 * failed collection emptied.
 */
export function nurseryClose(): void { limit = hp; }

/** After shutdown: the pool destroy freed the block. */
export function nurseryReset(): void {
  block = 0;
  start = 0;
  size = 0;
  hp = 0;
  limit = 0;
  loaned = false;
  loanedAt = 0;
}
