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

import { fail } from "../failure";
import { metaResize } from "./meta";

/** Default and smallest nursery, bytes (option `nursery`). */
@inline export const NURSERY_DEFAULT: usize = 1 << 20;
@inline export const NURSERY_MIN: usize = 64 << 10;

let configured: usize = NURSERY_DEFAULT;
let start: usize = 0;
let size: usize = 0;
let hp: usize = 0;
let limit: usize = 0;

/** Startup: the size the nursery will have. See Note [Lazy nursery]. */
export function nurseryConfigure(bytes: usize): void {
  if (bytes < NURSERY_MIN) fail("nurseryConfigure: " + bytes.toString() + " bytes is below the minimum nursery of " + NURSERY_MIN.toString());
  configured = bytes;
}

export function nurseryExists(): bool { return start != 0; }

/** Allocates and pre-touches the nursery (first touch of a page is ~2 µs). */
export function nurseryCreate(): void {
  if (start != 0) fail("nurseryCreate: the nursery already exists");
  start = metaResize(0, configured);
  size = configured;
  limit = start + size;
  hp = start;
  memory.fill(start, 0, size);
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

export function nurseryStart(): usize { return start; }
export function nurseryTop(): usize { return hp; }
/** The configured size, whether or not the nursery exists yet. */
export function nurserySize(): usize { return configured; }
export function nurseryUsed(): usize { return hp - start; }

/** After a collection: everything live has been evacuated. */
export function nurseryEmpty(): void {
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
  start = 0;
  size = 0;
  hp = 0;
  limit = 0;
}
