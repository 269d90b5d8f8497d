// Allocator ring: while a pool is active, every block it hands out sits on one
// circular doubly linked list, so destroying the pool frees them all in one
// walk. After OCaml's caml_stat_* pool (runtime/memory.c, PR #71).
//
// A block, as TLSF (heap.alloc) returns it:
//
//   base               hdr                                    hdr + HEADER_SIZE
//   │                  │                                      │ 16-byte aligned
//   ▼                  ▼                                      ▼
//   ┌──────────────────┬────────┬────────┬────────┬──────────┬─────────────────┐
//   │ alignment pad    │ next   │ prev   │ size   │ check    │ payload …       │
//   │ (aligned blocks) │ u32 +0 │ u32 +4 │ u32 +8 │ u32 +12  │                 │
//   └──────────────────┴────────┴────────┴────────┴──────────┴─────────────────┘
//
//   check, 32 bits:   31 ............... 12 │ 11 ........ 0
//                     state magic (20 bits) │ pad / 16
//   size, 32 bits:    31: ALIGNED (came from allocAligned, whatever its pad)
//                     30 ........ 0: payload bytes requested
//
// See Note [The ring rule]. The state magic tells a pooled block (on the ring),
// a loose block (allocated while no pool was active, never on the ring) and a
// freed one apart, so a double free or a foreign pointer is refused by name
// instead of corrupting the ring.
//
// Note [The ring rule]
// ~~~~~~~~~~~~~~~~~~~~
// While the pool is active: a block is on the ring iff its check word says
// POOLED; for every block b on the ring, b.next.prev == b and b.prev.next == b;
// walking next from the sentinel visits exactly `blocksOutstanding` blocks
// whose sizes add up to `bytesOutstanding`, and returns to the sentinel.
// poolInvariantCheck() re-checks all of it; destroy relies on it to free
// everything in one walk.
//
// Note [The ring's fast paths]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// pool_alloc + pool_free must stay within 1.25× of TLSF's alloc + free
// (docs/bench.md, pool/alloc-free; TLSF's own pair is ~30 ns). Reading the
// release .wat showed where the ring's ~8 ns went besides its header: a
// call level more than the peer on each side (the export called poolAlloc,
// which called TLSF; poolFree called heap.free, i.e. __free, which checks
// the pointer against __heap_base, TLSF's root and its alignment before
// freeBlock). So: poolAlloc and poolFree are inline (four call sites); the
// fast free path, having checked the block more strictly than __free does
// (its state word, its neighbours), calls TLSF's freeBlock itself; a
// header's four words are written as two 8-byte stores; the memory bound is
// a 32-bit compare of pages; and there is no totalFrees counter to update,
// since it always equals totalAllocs - blocksOutstanding. Every guarantee
// of Note [The ring rule] and every counter the stress harness reads is
// unchanged. The ring still needs TLSF underneath: a stub-runtime build
// stops at the ERROR below.

import { fail, hex } from "./failure";
import { Block, freeBlock, ROOT } from "~lib/rt/tlsf";
import { BLOCK_OVERHEAD } from "~lib/rt/common";

// See Note [The ring's fast paths]: the heap must be TLSF's, which the stub
// runtime's bump allocator is not.
// @ts-ignore: a compile-time constant and a compile-time error
if (ASC_RUNTIME == 0 /* Runtime.Stub */) ERROR("assembly/pool.ts: the allocator ring needs TLSF; build with --runtime minimal or incremental, not stub");

@inline const NEXT_OFFSET: usize = 0;
@inline const PREV_OFFSET: usize = NEXT_OFFSET + sizeof<u32>();
@inline const SIZE_OFFSET: usize = PREV_OFFSET + sizeof<u32>();
@inline const CHECK_OFFSET: usize = SIZE_OFFSET + sizeof<u32>();
/** Header bytes before each payload; a multiple of the payload alignment. */
@inline export const HEADER_SIZE: usize = CHECK_OFFSET + sizeof<u32>();

/** TLSF hands out 16-byte aligned payloads; so do we. */
@inline export const PAYLOAD_ALIGN: usize = 16;
@inline const PAYLOAD_MASK: usize = PAYLOAD_ALIGN - 1;
/** Largest alignment allocAligned accepts: pad / 16 must fit in 12 bits. */
@inline export const MAX_ALIGN: usize = PAYLOAD_ALIGN << 12;

@inline const PAD_BITS: u32 = 12;
@inline const PAD_MASK: u32 = (1 << PAD_BITS) - 1;
@inline const STATE_MASK: u32 = ~PAD_MASK;
@inline const STATE_POOLED: u32 = 0xB10C5000;
@inline const STATE_LOOSE: u32 = 0x1005E000;
@inline const STATE_FREED: u32 = 0xDEAD0000;

/** TLSF's BLOCK_MAXSIZE (1 GiB less its own 4-byte header), less ours. */
@inline export const MAX_PAYLOAD: usize = (1 << 30) - 4 - HEADER_SIZE - MAX_ALIGN;

// The sentinel lives in static memory so that create/destroy never allocate
// for it and a restarted pool finds it where it was.
const sentinel: usize = memory.data(<i32>HEADER_SIZE, <i32>PAYLOAD_ALIGN);

let active = false;
let blocksOutstanding: u32 = 0;
let bytesOutstanding: u64 = 0;
let peakBlocks: u32 = 0;
let peakBytes: u64 = 0;
let totalAllocs: u64 = 0;
// No totalFrees: it is always totalAllocs - blocksOutstanding (every free and
// every block destroy frees counts one out of both), so free updates one
// counter fewer. See Note [The ring's fast paths].
let lastFreedBlocks: u32 = 0;
let lastFreedBytes: u64 = 0;
/** Bytes outstanding beyond which allocNoexc returns 0 (maxHeap). */
let byteLimit: u64 = <u64>u32.MAX_VALUE;

// ── header accessors ─────────────────────────────────────────────────────────

@inline function nextOf(hdr: usize): usize { return <usize>load<u32>(hdr, NEXT_OFFSET); }
@inline function setNext(hdr: usize, v: usize): void { store<u32>(hdr, <u32>v, NEXT_OFFSET); }
@inline function prevOf(hdr: usize): usize { return <usize>load<u32>(hdr, PREV_OFFSET); }
@inline function setPrev(hdr: usize, v: usize): void { store<u32>(hdr, <u32>v, PREV_OFFSET); }
@inline const SIZE_ALIGNED: u32 = 1 << 31;
@inline function sizeOf(hdr: usize): usize { return <usize>(load<u32>(hdr, SIZE_OFFSET) & ~SIZE_ALIGNED); }
@inline function isAligned(hdr: usize): bool { return (load<u32>(hdr, SIZE_OFFSET) & SIZE_ALIGNED) != 0; }
@inline function setSize(hdr: usize, v: usize): void { store<u32>(hdr, <u32>v, SIZE_OFFSET); }
@inline function markAligned(hdr: usize): void { store<u32>(hdr, load<u32>(hdr, SIZE_OFFSET) | SIZE_ALIGNED, SIZE_OFFSET); }
@inline function checkOf(hdr: usize): u32 { return load<u32>(hdr, CHECK_OFFSET); }
@inline function stateOf(hdr: usize): u32 { return checkOf(hdr) & STATE_MASK; }
@inline function padOf(hdr: usize): usize { return <usize>(checkOf(hdr) & PAD_MASK) << 4; }
@inline function setCheck(hdr: usize, state: u32, pad: usize): void {
  store<u32>(hdr, state | <u32>(pad >> 4), CHECK_OFFSET);
}
/** next and prev in one 8-byte store (the header is 16-byte aligned). */
@inline function setLinks(hdr: usize, next: usize, prev: usize): void {
  store<u64>(hdr, (<u64>prev << 32) | <u64><u32>next, NEXT_OFFSET);
}
/** size and check in one 8-byte store. */
@inline function setSizeAndCheck(hdr: usize, size: usize, state: u32, pad: usize): void {
  store<u64>(hdr, (<u64>(state | <u32>(pad >> 4)) << 32) | <u64><u32>size, SIZE_OFFSET);
}
@inline function headerOf(payload: usize): usize { return payload - HEADER_SIZE; }
@inline function payloadOf(hdr: usize): usize { return hdr + HEADER_SIZE; }
@inline function baseOf(hdr: usize): usize { return hdr - padOf(hdr); }

// ── the ring ─────────────────────────────────────────────────────────────────

@inline function link(hdr: usize): void {
  let last = prevOf(sentinel);
  setLinks(hdr, sentinel, last);
  setNext(last, hdr);
  setPrev(sentinel, hdr);
}

@inline function unlink(hdr: usize): void {
  let next = nextOf(hdr);
  let prev = prevOf(hdr);
  setNext(prev, next);
  setPrev(next, prev);
}

@inline function countIn(size: usize): void {
  blocksOutstanding++;
  bytesOutstanding += size;
  totalAllocs++;
  if (blocksOutstanding > peakBlocks) peakBlocks = blocksOutstanding;
  if (bytesOutstanding > peakBytes) peakBytes = bytesOutstanding;
}

@inline function countOut(size: usize): void {
  blocksOutstanding--;
  bytesOutstanding -= size;
}

/**
 * Returns the header of a live block, or fails naming `fn` and the pointer.
 * The common case (a pooled block whose neighbours point back) is a few loads
 * inline; everything else goes to diagnose(), which names what is wrong.
 */
@inline function liveHeader(fn: string, payload: usize): usize {
  let hdr = headerOf(payload);
  // One unsigned compare covers "below the first possible block" (it wraps).
  if ((payload & PAYLOAD_MASK) == 0 && <u64>(payload - HEADER_SIZE) < (<u64>memory.size() << 16)
      && checkOf(hdr) >>> PAD_BITS == STATE_POOLED >>> PAD_BITS && active
      && prevOf(nextOf(hdr)) == hdr && nextOf(prevOf(hdr)) == hdr) {
    return hdr;
  }
  return diagnose(fn, payload);
}

/** The slow half of liveHeader: a loose block, or a failure with its reason. */
function diagnose(fn: string, payload: usize): usize {
  let hdr = headerOf(payload);
  let end = <u64>memory.size() << 16;
  if ((payload & PAYLOAD_MASK) != 0 || payload < HEADER_SIZE || <u64>payload > end) {
    fail(fn + ": " + hex(payload) + " is not a pool block (misaligned or outside memory: a foreign pointer)");
  }
  let state = stateOf(hdr);
  if (state == STATE_POOLED) {
    fail(fn + ": " + hex(payload) + " claims to be on the ring but its neighbours do not point back (ring corrupted)");
  } else if (state == STATE_FREED) {
    fail(fn + ": " + hex(payload) + " was already freed (double free)");
  } else if (state != STATE_LOOSE) {
    fail(fn + ": " + hex(payload) + " is not a live pool block (foreign pointer or overwritten header)");
  }
  return hdr;
}

/** Stamps a fresh TLSF block and, while the pool is active, links it. */
@inline function adopt(base: usize, pad: usize, size: usize): usize {
  let hdr = base + pad;
  if (active) {
    setSizeAndCheck(hdr, size, STATE_POOLED, pad);
    link(hdr);
    countIn(size);
  } else {
    setSizeAndCheck(hdr, size, STATE_LOOSE, pad);
    setLinks(hdr, 0, 0);
  }
  return payloadOf(hdr);
}

@inline function fitsLimit(extra: usize): bool {
  return !active || bytesOutstanding + <u64>extra <= byteLimit;
}

// ── lifecycle of the pool ────────────────────────────────────────────────────

export function poolIsActive(): bool {
  return active;
}

export function poolCreate(): void {
  if (active) fail("pool_create: a pool is already active; destroy it first");
  setNext(sentinel, sentinel);
  setPrev(sentinel, sentinel);
  setCheck(sentinel, STATE_POOLED, 0);
  resetCounters();
  active = true;
}

/** Every counter of a cycle back to zero (the limit is kept: it is the host's). */
function resetCounters(): void {
  blocksOutstanding = 0;
  bytesOutstanding = 0;
  peakBlocks = 0;
  peakBytes = 0;
  totalAllocs = 0;
}

/**
 * Frees every block on the ring in one walk (See Note [The ring rule]).
 * Counters are decremented per block freed, never reset: whatever remains
 * outstanding afterwards is a block that escaped the ring, i.e. a leak.
 */
export function poolDestroy(): void {
  if (!active) fail("pool_destroy: no pool is active");
  let freedBlocks: u32 = 0;
  let freedBytes: u64 = 0;
  let hdr = nextOf(sentinel);
  while (hdr != sentinel) {
    let next = nextOf(hdr);
    let size = sizeOf(hdr);
    // The base must be read before the check word is overwritten: it holds the
    // alignment pad, and an aligned block's TLSF block starts `pad` bytes
    // before its header (test/pool-aligned.test.ts, "destroy frees aligned").
    let base = baseOf(hdr);
    setCheck(hdr, STATE_FREED, 0);
    heap.free(base);
    countOut(size);
    freedBlocks++;
    freedBytes += size;
    hdr = next;
  }
  setNext(sentinel, sentinel);
  setPrev(sentinel, sentinel);
  lastFreedBlocks = freedBlocks;
  lastFreedBytes = freedBytes;
  active = false;
}

// ── allocation ───────────────────────────────────────────────────────────────

/** Allocates `size` bytes (uninitialised); returns 0 when it cannot. */
@inline export function poolAllocNoexc(size: usize): usize {
  if (size > MAX_PAYLOAD || !fitsLimit(size)) return 0;
  return adopt(heap.alloc(HEADER_SIZE + size), 0, size);
}

/**
 * Allocates `size` bytes (uninitialised); fails loudly when it cannot.
 * Inline: see Note [The ring's fast paths].
 */
@inline export function poolAlloc(size: usize): usize {
  if (size > MAX_PAYLOAD || !fitsLimit(size)) failOutOfMemory("pool_alloc", <u64>size);
  return adopt(heap.alloc(HEADER_SIZE + size), 0, size);
}

/** Allocates n × size zeroed bytes, refusing a product that overflows. */
export function poolCalloc(n: usize, size: usize): usize {
  let total = <u64>n * <u64>size;
  if (total > <u64>MAX_PAYLOAD) {
    fail("pool_calloc: " + n.toString() + " × " + size.toString() + " bytes is more than one block can hold (" + MAX_PAYLOAD.toString() + " bytes)");
  }
  let p = poolAllocNoexc(<usize>total);
  if (p == 0) failOutOfMemory("pool_calloc", total);
  memory.fill(p, 0, <usize>total);
  return p;
}

/**
 * Resizes a block, possibly moving it; 0 means allocate. Returns 0 when it
 * cannot, and then the old block stays valid and on the ring.
 */
export function poolResizeNoexc(payload: usize, size: usize): usize {
  if (payload == 0) return poolAllocNoexc(size);
  let hdr = liveHeader("pool_resize", payload);
  if (isAligned(hdr)) {
    fail("pool_resize: " + hex(payload) + " came from pool_alloc_aligned and cannot be resized; allocate a new aligned block and copy");
  }
  let old = sizeOf(hdr);
  let state = stateOf(hdr);
  let pooled = state == STATE_POOLED;
  if (size > MAX_PAYLOAD) return 0;
  if (pooled && size > old && !fitsLimit(size - old)) return 0;
  // TLSF copies next/prev/size/check along with the payload when it moves the
  // block, so only the neighbours need to learn the new address. The check
  // word is stamped FREED first and restored on the result, so when the block
  // moves, the copy left behind at the old address reads as freed: a later
  // free/resize of the stale pointer is refused as a double free instead of
  // being misreported as a corrupted ring (test/pool-resize.test.ts).
  setCheck(hdr, STATE_FREED, 0);
  let moved = heap.realloc(hdr, HEADER_SIZE + size);
  setCheck(moved, state, 0);
  if (pooled) {
    setNext(prevOf(moved), moved);
    setPrev(nextOf(moved), moved);
    bytesOutstanding = bytesOutstanding - old + size;
    if (bytesOutstanding > peakBytes) peakBytes = bytesOutstanding;
  }
  setSize(moved, size);
  return payloadOf(moved);
}

/** Resizes a block, possibly moving it; fails loudly when it cannot. */
export function poolResize(payload: usize, size: usize): usize {
  let p = poolResizeNoexc(payload, size);
  if (p == 0) failOutOfMemory("pool_resize", <u64>size);
  return p;
}

/**
 * Frees a block; 0 is ignored, like free(NULL). The common case — a pooled
 * block whose neighbours point back — reads each header word once and
 * unlinks with the neighbours it has just checked; a loose block, or anything
 * wrong, takes freeSlow(). Inline, and straight to TLSF's freeBlock: see
 * Note [The ring's fast paths].
 */
@inline export function poolFree(payload: usize): void {
  if (payload == 0) return;
  let hdr = headerOf(payload);
  // hdr < memory's end, as hdr / 64 KiB < pages: no 64-bit arithmetic.
  if ((payload & PAYLOAD_MASK) == 0 && (hdr >>> 16) < <usize>memory.size() && active) {
    let check = checkOf(hdr);
    let next = nextOf(hdr);
    let prev = prevOf(hdr);
    if ((check & STATE_MASK) == STATE_POOLED && prevOf(next) == hdr && nextOf(prev) == hdr) {
      setNext(prev, next);
      setPrev(next, prev);
      countOut(sizeOf(hdr));
      setCheck(hdr, STATE_FREED, 0);
      freeBlock(ROOT, changetype<Block>(hdr - (<usize>(check & PAD_MASK) << 4) - BLOCK_OVERHEAD));
      return;
    }
  }
  freeSlow(payload);
}

function freeSlow(payload: usize): void {
  let hdr = liveHeader("pool_free", payload);
  if (stateOf(hdr) == STATE_POOLED) {
    unlink(hdr);
    countOut(sizeOf(hdr));
  }
  let base = baseOf(hdr);
  setCheck(hdr, STATE_FREED, 0);
  heap.free(base);
}

/** Copies a NUL-terminated byte string into a fresh block. */
export function poolStrdup(str: usize): usize {
  let len: usize = 0;
  while (load<u8>(str + len) != 0) len++;
  let p = poolAlloc(len + 1);
  memory.copy(p, str, len + 1);
  return p;
}

/** Allocates `size` bytes whose payload address is a multiple of `align`. */
export function poolAllocAligned(size: usize, align: usize): usize {
  if (align < PAYLOAD_ALIGN || align > MAX_ALIGN || (align & (align - 1)) != 0) {
    fail("pool_alloc_aligned: alignment " + align.toString() + " must be a power of two from " + PAYLOAD_ALIGN.toString() + " to " + MAX_ALIGN.toString());
  }
  if (size > MAX_PAYLOAD || !fitsLimit(size)) failOutOfMemory("pool_alloc_aligned", <u64>size);
  // Every payload is this aligned already: such a block is a plain one.
  if (align == PAYLOAD_ALIGN) return adopt(heap.alloc(HEADER_SIZE + size), 0, size);
  let base = heap.alloc(HEADER_SIZE + size + align - PAYLOAD_ALIGN);
  let payload = (base + HEADER_SIZE + align - 1) & ~(align - 1);
  adopt(base, headerOf(payload) - base, size);
  markAligned(headerOf(payload));
  return payload;
}

function failOutOfMemory(fn: string, size: u64): void {
  fail(fn + ": out of memory: " + size.toString() + " bytes requested with " + bytesOutstanding.toString() + " outstanding (limit " + byteLimit.toString() + ")");
}

// ── counters and checks ──────────────────────────────────────────────────────

export function poolSetLimit(bytes: u64): void { byteLimit = bytes; }
export function poolLimit(): u64 { return byteLimit; }
export function poolBlocks(): u32 { return blocksOutstanding; }
export function poolBytes(): u64 { return bytesOutstanding; }
export function poolPeakBlocks(): u32 { return peakBlocks; }
export function poolPeakBytes(): u64 { return peakBytes; }
export function poolTotalAllocs(): u64 { return totalAllocs; }
export function poolTotalFrees(): u64 { return totalAllocs - <u64>blocksOutstanding; }
export function poolLastFreedBlocks(): u32 { return lastFreedBlocks; }
export function poolLastFreedBytes(): u64 { return lastFreedBytes; }
/** Payload bytes of a live block. */
export function poolSizeOf(payload: usize): usize { return sizeOf(liveHeader("pool_size_of", payload)); }

/** Forgets every counter and the limit, for a restart from scratch. */
export function poolReset(): void {
  if (active) fail("pool_reset: the pool is still active");
  resetCounters();
  byteLimit = <u64>u32.MAX_VALUE;
}

/**
 * Fault injection: takes a fresh block off the ring while leaving it counted,
 * the way a forgotten unlink-and-keep would. Destroy cannot free it and the
 * outstanding counters stay non-zero; the stress harness must notice.
 */
export function poolEscapeBlock(size: usize): usize {
  let p = poolAlloc(size);
  let hdr = headerOf(p);
  unlink(hdr);
  setCheck(hdr, STATE_LOOSE, 0);
  return p;
}

/**
 * Re-checks Note [The ring rule]. Returns true, or records the first broken
 * rule with fail-free reporting (see failure.ts) and returns false.
 */
export function poolInvariantCheck(): bool {
  if (!active) return true;
  let blocks: u32 = 0;
  let bytes: u64 = 0;
  let prev = sentinel;
  let hdr = nextOf(sentinel);
  let end = <u64>memory.size() << 16;
  while (hdr != sentinel) {
    if (blocks > blocksOutstanding || hdr == 0 || <u64>hdr >= end || (hdr & PAYLOAD_MASK) != 0) {
      return reportRing("walk leaves the ring or visits more blocks than counted", prev, blocks);
    }
    if (stateOf(hdr) != STATE_POOLED) return reportRing("a block on the ring is not marked POOLED", hdr, blocks);
    if (prevOf(hdr) != prev) return reportRing("block.prev does not point at the previous block", hdr, blocks);
    blocks++;
    bytes += sizeOf(hdr);
    prev = hdr;
    hdr = nextOf(hdr);
  }
  if (prevOf(sentinel) != prev) return reportRing("sentinel.prev is not the last block", sentinel, blocks);
  if (blocks != blocksOutstanding) return reportRing("blocks on the ring differ from the blocks counter (" + blocksOutstanding.toString() + ")", sentinel, blocks);
  if (bytes != bytesOutstanding) return reportRing("bytes on the ring (" + bytes.toString() + ") differ from the bytes counter (" + bytesOutstanding.toString() + ")", sentinel, blocks);
  return true;
}

import { recordFailure, CHECK_RING } from "./failure";

function reportRing(rule: string, hdr: usize, index: u32): bool {
  recordFailure(CHECK_RING, "poolInvariantCheck: " + rule + " at block " + index.toString() + " (header " + hex(hdr) + ")", hdr, 0, 0, index, 0);
  return false;
}
