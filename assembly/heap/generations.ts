// Generations 0..count-1 beyond the nursery: each a list of chunks from the
// pool, bump-allocated, plus a list of large-object chunks (one object each).
// A collection detaches the lists of the generations it collects (from-space),
// copies survivors into fresh chunks, and frees the detached chunks back to
// the pool; shutdown frees whatever is left with the pool.
//
// A chunk (pool block of CHUNK_BYTES, or CHUNK_HEADER + size for a large one):
//
//   chunk        +4      +8          +12       +CHUNK_HEADER
//   ▼            ▼       ▼           ▼         ▼
//   ┌────────────┬───────┬───────────┬─────────┬──────────────────┬──────────┐
//   │ next       │ free  │ gen|LARGE │ end     │ objects …        │ unused   │
//   └────────────┴───────┴───────────┴─────────┴──────────────────┴──────────┘
//   [data..free) objects back to back; [free..end) unused. For the generation's
//   last small chunk, `free` is stale and the generation's allocPtr is the truth.
//
// A generation record (static memory, one per generation):
//   first, last        small chunk list, appended at `last`
//   allocPtr, allocEnd bump pointer in `last`
//   large              large chunk list (pushed at the head)
//   bytes, objects     what was copied or allocated into it since it was last collected:
//                      bytes of closed chunks and large objects (genBytes adds
//                      the open chunk's), objects as the scan counts them
//                      (Note [Counting in the scan], scavenge.ts)
//   chunkBytes         pool bytes its chunks hold
//   collections        collections that included it
//   threshold          bytes beyond which the next collection includes it
//   scanChunk, scanPtr, largeMark   the Cheney scan's position (scavenge.ts)
//   fromFirst, fromLarge            detached from-space, freed at the end

import { poolAllocNoexc, poolFree } from "../pool";
import { fail } from "../failure";
import { MAX_GENERATIONS } from "./layout";

@inline const CHUNK_NEXT: usize = 0;
@inline const CHUNK_FREE: usize = CHUNK_NEXT + sizeof<u32>();
@inline const CHUNK_GEN: usize = CHUNK_FREE + sizeof<u32>();
@inline const CHUNK_END: usize = CHUNK_GEN + sizeof<u32>();
/** A multiple of OBJECT_ALIGN, so objects in chunks stay aligned. */
@inline export const CHUNK_HEADER: usize = CHUNK_END + sizeof<u32>();
/** Pool bytes of a small-object chunk. */
@inline export const CHUNK_BYTES: usize = 64 << 10;
/** Objects larger than this get a chunk of their own (and skip the nursery). */
@inline export const LARGE_OBJECT_BYTES: usize = (CHUNK_BYTES - CHUNK_HEADER) >> 3;
@inline export const CHUNK_LARGE: u32 = 1 << 31;

// Generation record fields, u32 each.
@inline const G_FIRST: usize = 0;
@inline const G_LAST: usize = G_FIRST + 4;
@inline const G_ALLOC_PTR: usize = G_LAST + 4;
@inline const G_ALLOC_END: usize = G_ALLOC_PTR + 4;
@inline const G_LARGE: usize = G_ALLOC_END + 4;
@inline const G_BYTES: usize = G_LARGE + 4;
@inline const G_OBJECTS: usize = G_BYTES + 4;
@inline const G_CHUNK_BYTES: usize = G_OBJECTS + 4;
@inline const G_COLLECTIONS: usize = G_CHUNK_BYTES + 4;
@inline const G_THRESHOLD: usize = G_COLLECTIONS + 4;
@inline const G_SCAN_CHUNK: usize = G_THRESHOLD + 4;
@inline const G_SCAN_PTR: usize = G_SCAN_CHUNK + 4;
@inline const G_LARGE_MARK: usize = G_SCAN_PTR + 4;
@inline const G_FROM_FIRST: usize = G_LARGE_MARK + 4;
@inline const G_FROM_LARGE: usize = G_FROM_FIRST + 4;
@inline const G_RECORD: usize = G_FROM_LARGE + 4;

const genTable: usize = memory.data(<i32>(G_RECORD * <usize>MAX_GENERATIONS), 16);

/** Configured generation count (option `generations`). */
let count: i32 = 2;

@inline function rec(g: i32): usize { return genTable + <usize>g * G_RECORD; }
@inline function get(g: i32, field: usize): u32 { return load<u32>(rec(g) + field); }
@inline function put(g: i32, field: usize, v: u32): void { store<u32>(rec(g) + field, v); }

// ── chunk accessors ──
@inline export function chunkNext(c: usize): usize { return <usize>load<u32>(c, CHUNK_NEXT); }
@inline function setChunkNext(c: usize, n: usize): void { store<u32>(c, <u32>n, CHUNK_NEXT); }
@inline export function chunkFree(c: usize): usize { return <usize>load<u32>(c, CHUNK_FREE); }
@inline function setChunkFree(c: usize, p: usize): void { store<u32>(c, <u32>p, CHUNK_FREE); }
@inline export function chunkGen(c: usize): i32 { return <i32>(load<u32>(c, CHUNK_GEN) & ~CHUNK_LARGE); }
@inline export function chunkIsLarge(c: usize): bool { return (load<u32>(c, CHUNK_GEN) & CHUNK_LARGE) != 0; }
@inline export function chunkEnd(c: usize): usize { return <usize>load<u32>(c, CHUNK_END); }
@inline export function chunkData(c: usize): usize { return c + CHUNK_HEADER; }

function initChunk(c: usize, g: i32, large: bool, end: usize): void {
  setChunkNext(c, 0);
  setChunkFree(c, chunkData(c));
  store<u32>(c, <u32>g | (large ? CHUNK_LARGE : 0), CHUNK_GEN);
  store<u32>(c, <u32>end, CHUNK_END);
}

// ── configuration ──
export function generationCount(): i32 { return count; }
export function setGenerationCount(n: i32): void {
  if (n < 2 || n > MAX_GENERATIONS) fail("setGenerationCount: generations must be 2.." + MAX_GENERATIONS.toString());
  count = n;
}

// ── allocation ──

/**
 * Allocates `bytes` (a multiple of OBJECT_ALIGN) in generation g; a small
 * object is counted by the scan that visits it (Note [Counting in the scan],
 * scavenge.ts), a large one here. Returns 0 when the pool refuses (maxHeap), see
 * Note [maxHeap and the collector].
 */
@inline export function genAlloc(g: i32, bytes: usize): usize {
  if (bytes > LARGE_OBJECT_BYTES) return genAllocLarge(g, bytes);
  let p = <usize>get(g, G_ALLOC_PTR);
  if (p + bytes > <usize>get(g, G_ALLOC_END)) return genAllocChunk(g, bytes);
  put(g, G_ALLOC_PTR, <u32>(p + bytes));
  return p;
}

/** genAlloc's slow path: g's last chunk is full (or g has none), append a fresh one. */
function genAllocChunk(g: i32, bytes: usize): usize {
  let c = poolAllocNoexc(CHUNK_BYTES);
  if (c == 0) return 0;
  initChunk(c, g, false, c + CHUNK_BYTES);
  appendChunk(g, c, chunkData(c) + bytes, c + CHUNK_BYTES);
  return chunkData(c);
}

/** Links `c` as g's last small chunk, objects in [data, used), allocation on in [used, end). */
function appendChunk(g: i32, c: usize, used: usize, end: usize): void {
  let last = <usize>get(g, G_LAST);
  if (last == 0) put(g, G_FIRST, <u32>c);
  else {
    let p = <usize>get(g, G_ALLOC_PTR);
    setChunkFree(last, p);
    setChunkNext(last, c);
    put(g, G_BYTES, get(g, G_BYTES) + <u32>(p - chunkData(last)));
  }
  put(g, G_LAST, <u32>c);
  put(g, G_ALLOC_PTR, <u32>used);
  put(g, G_ALLOC_END, <u32>end);
  put(g, G_CHUNK_BYTES, get(g, G_CHUNK_BYTES) + <u32>(end - c));
}

/**
 * Adopts `c`, a pool block of `end - c` bytes whose objects lie in
 * [data, used), as g's last small chunk; g allocates on in [used, end).
 * The nursery's block, promoted in place (promote.ts).
 */
export function genAdoptChunk(g: i32, c: usize, used: usize, end: usize): void {
  initChunk(c, g, false, end);
  appendChunk(g, c, used, end);
}

function genAllocLarge(g: i32, bytes: usize): usize {
  let c = poolAllocNoexc(CHUNK_HEADER + bytes);
  if (c == 0) return 0;
  initChunk(c, g, true, chunkData(c) + bytes);
  setChunkFree(c, chunkData(c) + bytes);
  setChunkNext(c, <usize>get(g, G_LARGE));
  put(g, G_LARGE, <u32>c);
  put(g, G_CHUNK_BYTES, get(g, G_CHUNK_BYTES) + <u32>(CHUNK_HEADER + bytes));
  put(g, G_BYTES, get(g, G_BYTES) + <u32>bytes);
  put(g, G_OBJECTS, get(g, G_OBJECTS) + 1);
  return chunkData(c);
}

// ── walking (scavenge.ts, sanity.ts) ──
export function genFirst(g: i32): usize { return <usize>get(g, G_FIRST); }
export function genLast(g: i32): usize { return <usize>get(g, G_LAST); }
export function genLarge(g: i32): usize { return <usize>get(g, G_LARGE); }
export function genAllocPtr(g: i32): usize { return <usize>get(g, G_ALLOC_PTR); }
/** End of the objects in a small chunk of generation g. */
@inline export function chunkUsedEnd(g: i32, c: usize): usize {
  return c == <usize>get(g, G_LAST) ? <usize>get(g, G_ALLOC_PTR) : chunkFree(c);
}

// ── collection support ──

/** Moves g's chunks aside as from-space; g starts over empty. */
export function genDetach(g: i32): void {
  let last = <usize>get(g, G_LAST);
  if (last != 0) setChunkFree(last, <usize>get(g, G_ALLOC_PTR));
  put(g, G_FROM_FIRST, get(g, G_FIRST));
  put(g, G_FROM_LARGE, get(g, G_LARGE));
  put(g, G_FIRST, 0);
  put(g, G_LAST, 0);
  put(g, G_ALLOC_PTR, 0);
  put(g, G_ALLOC_END, 0);
  put(g, G_LARGE, 0);
  put(g, G_BYTES, 0);
  put(g, G_OBJECTS, 0);
  put(g, G_CHUNK_BYTES, 0);
}

/** Frees g's detached from-space. */
export function genFreeFrom(g: i32): void {
  freeList(<usize>get(g, G_FROM_FIRST));
  freeList(<usize>get(g, G_FROM_LARGE));
  put(g, G_FROM_FIRST, 0);
  put(g, G_FROM_LARGE, 0);
}

function freeList(c: usize): void {
  while (c != 0) {
    let next = chunkNext(c);
    poolFree(c);
    c = next;
  }
}

/** Where the Cheney scan of g starts: everything already in g is not to-space. */
export function genMarkScanStart(g: i32): void {
  put(g, G_SCAN_CHUNK, get(g, G_LAST));
  put(g, G_SCAN_PTR, get(g, G_ALLOC_PTR));
  put(g, G_LARGE_MARK, get(g, G_LARGE));
}
export function genScanChunk(g: i32): usize { return <usize>get(g, G_SCAN_CHUNK); }
export function genScanPtr(g: i32): usize { return <usize>get(g, G_SCAN_PTR); }
export function genSetScan(g: i32, c: usize, p: usize): void {
  put(g, G_SCAN_CHUNK, <u32>c);
  put(g, G_SCAN_PTR, <u32>p);
}
export function genLargeMark(g: i32): usize { return <usize>get(g, G_LARGE_MARK); }
export function genSetLargeMark(g: i32, c: usize): void { put(g, G_LARGE_MARK, <u32>c); }

// ── counters ──
export function genBytes(g: i32): u32 {
  let last = <usize>get(g, G_LAST);
  return get(g, G_BYTES) + (last == 0 ? 0 : get(g, G_ALLOC_PTR) - <u32>chunkData(last));
}
/** The Cheney scan counts the small objects it scanned (scavenge.ts): Note [Counting in the scan]. */
export function genCountObjects(g: i32, n: u32): void { put(g, G_OBJECTS, get(g, G_OBJECTS) + n); }
export function genObjects(g: i32): u32 { return get(g, G_OBJECTS); }
export function genChunkBytes(g: i32): u32 { return get(g, G_CHUNK_BYTES); }
export function genCollections(g: i32): u32 { return get(g, G_COLLECTIONS); }
export function genCountCollection(g: i32): void { put(g, G_COLLECTIONS, get(g, G_COLLECTIONS) + 1); }
export function genThreshold(g: i32): u32 { return get(g, G_THRESHOLD); }
export function genSetThreshold(g: i32, bytes: u32): void { put(g, G_THRESHOLD, bytes); }

/** After shutdown: the pool destroy freed every chunk. */
export function genReset(): void {
  memory.fill(genTable, 0, G_RECORD * <usize>MAX_GENERATIONS);
}
