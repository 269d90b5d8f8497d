// Allocation and field access for mutators: the host's exports (index.ts) and
// AssemblyScript mutators alike (the benchmark imports these directly, so an
// object costs no JS call). Every function that allocates may collect, which
// moves objects: a mutator keeps the pointers it needs across an allocation
// on the root stack (roots.ts) or in handles; allocBlock2 does it for its own
// arguments.
//
// All allocators return 0 when the heap is out of space under maxHeap, see
// Note [maxHeap and the collector]; the runtime stays usable.
//
// A mutator that allocates many objects in a row can hold the nursery's bump
// pointer in a local instead (Note [Hp in a local], nursery.ts): hpCheck is its
// heap check, hpRefill its slow path, initBlock2 writes a two-field block.

import {
  nurseryAlloc, nurserySize, nurseryExists, nurseryCreate, nurseryClose, nurseryHp, nurserySetHp,
  nurseryCheckNotLoaned,
} from "./nursery";
import { genAlloc, LARGE_OBJECT_BYTES } from "./generations";
import { collectForAllocation, collectMajor, noteLargeAllocation } from "./collect";
import { rootPush, rootPop } from "./roots";
import { storeField } from "../barrier";
import {
  setInfo, setLength, makeInfo, sizeFor, payloadOf, fieldOf, setFieldRaw, setFloat,
  KIND_BLOCK, KIND_BYTES, KIND_STRING, KIND_FLOAT, VALUE_NULL, HEADER_SIZE, WORD_SIZE, OBJECT_ALIGN,
  OBJECT_ALIGN_MASK, maxLengthFor, kindName,
} from "./layout";
import { fail } from "../failure";
import { allocationFails } from "../faults";

/** Size of a two-field block, the commonest object (list cells, tree nodes). */
@inline export const BLOCK2_BYTES: usize = HEADER_SIZE + 2 * WORD_SIZE;

/**
 * Lengths from here up are checked against maxLengthFor before sizeFor,
 * whose 32-bit sum would wrap (2³² − 4 bytes → an 8-byte object); smaller
 * ones cannot wrap, so the common case pays one comparison.
 */
@inline const LENGTH_CHECKED_FROM: u32 = 1 << 26;

/** An object of `kind` with `length` units, payload uninitialised; 0 when out of heap. */
export function allocObject(kind: u32, tag: u32, length: u32): usize {
  if (length >= LENGTH_CHECKED_FROM && length > maxLengthFor(kind)) {
    fail("allocObject: " + length.toString() + " units is more than an object of kind " + kindName(kind) + " can hold (" + maxLengthFor(kind).toString() + "): its size would not fit 32 bits");
  }
  if (allocationFails()) return 0; // test only: Note [Failing the n-th allocation] (faults.ts)
  let size = sizeFor(kind, length);
  let p = nurseryAlloc(size);
  if (p == 0) {
    p = allocSlow(size);
    if (p == 0) return 0;
  }
  setInfo(p, makeInfo(kind, 0, tag));
  setLength(p, length);
  return p;
}

function allocSlow(size: usize): usize {
  // A loaned Hp parks the nursery full, so every path of every allocator
  // comes here: Note [Hp in a local].
  nurseryCheckNotLoaned("allocObject");
  if (size > LARGE_OBJECT_BYTES) return allocLarge(size);
  if (!nurseryExists()) {
    nurseryCreate(); // See Note [Lazy nursery].
    return nurseryAlloc(size);
  }
  if (!collectForAllocation()) {
    nurseryClose();
    return 0;
  }
  return nurseryAlloc(size);
}

/**
 * Large objects skip the nursery: they go to generation 0 directly (which is
 * collected with the nursery), each in a chunk of its own. Every nursery's
 * worth of them triggers a collection, as filling the nursery would.
 */
function allocLarge(size: usize): usize {
  if (noteLargeAllocation(size) > nurserySize()) collectForAllocation();
  let p = genAlloc(0, size);
  if (p == 0) {
    collectMajor();
    p = genAlloc(0, size);
  }
  return p;
}

/** A block of n fields, all null. */
export function allocBlock(tag: u32, n: u32): usize {
  let p = allocObject(KIND_BLOCK, tag, n);
  if (p == 0) return 0;
  for (let i: u32 = 0; i < n; i++) setFieldRaw(p, i, VALUE_NULL);
  return p;
}

/** Writes a block {a, b} at p, fresh nursery space of BLOCK2_BYTES. */
@inline export function initBlock2(p: usize, tag: u32, a: u32, b: u32): void {
  setInfo(p, makeInfo(KIND_BLOCK, 0, tag));
  setLength(p, 2);
  setFieldRaw(p, 0, a);
  setFieldRaw(p, 1, b);
}

/** A block {a, b}; a and b are kept alive (and updated) across a collection. */
@inline export function allocBlock2(tag: u32, a: u32, b: u32): usize {
  let p = nurseryAlloc(BLOCK2_BYTES);
  if (p == 0) return allocBlock2Slow(tag, a, b);
  initBlock2(p, tag, a, b);
  return p;
}

/**
 * The slow path of a mutator holding Hp in a local (Note [Hp in a local]):
 * `hpCheck(hp, bytes)` said no. Hands Hp back, makes room for `bytes` in the
 * nursery (creating it, or collecting: every object may move, so the caller
 * keeps the pointers it needs on the root stack), and takes Hp again: returns
 * the new hp, where `bytes` fit. 0 when out of heap under maxHeap: Hp is then
 * handed back, not held. `bytes` is a nursery object's size (at most
 * LARGE_OBJECT_BYTES, a multiple of OBJECT_ALIGN).
 */
export function hpRefill(hp: usize, bytes: usize): usize {
  if (bytes > LARGE_OBJECT_BYTES || (bytes & OBJECT_ALIGN_MASK) != 0) {
    fail("hpRefill: " + bytes.toString() + " bytes is no nursery object size (a multiple of " + OBJECT_ALIGN.toString() + ", at most " + LARGE_OBJECT_BYTES.toString() + ")");
  }
  nurserySetHp(hp);
  // allocSlow makes room as the ordinary allocators do and takes the object:
  // the new Hp is that object's address, where the caller's bump writes it.
  let p = allocSlow(bytes);
  if (p == 0) return 0;
  nurseryHp();
  return p;
}

function allocBlock2Slow(tag: u32, a: u32, b: u32): usize {
  rootPush(a);
  rootPush(b);
  let p = allocObject(KIND_BLOCK, tag, 2);
  b = rootPop();
  a = rootPop();
  if (p == 0) return 0;
  setFieldRaw(p, 0, a);
  setFieldRaw(p, 1, b);
  return p;
}

/** A boxed float64. */
export function allocFloat(x: f64): usize {
  let p = allocObject(KIND_FLOAT, 0, 0);
  if (p != 0) setFloat(p, x);
  return p;
}

/** `n` bytes, zeroed; the caller fills payloadOf(p). */
export function allocBytes(n: u32): usize {
  let p = allocObject(KIND_BYTES, 0, n);
  if (p != 0) memory.fill(payloadOf(p), 0, <usize>n);
  return p;
}

/** `n` UTF-16 code units, zeroed; the caller fills payloadOf(p). */
export function allocString(n: u32): usize {
  let p = allocObject(KIND_STRING, 0, n);
  if (p != 0) memory.fill(payloadOf(p), 0, <usize>n << 1);
  return p;
}

/** Field i of a block (unchecked). */
@inline export function getField(obj: usize, i: u32): u32 { return fieldOf(obj, i); }

/** Stores into field i of a block through the write barrier (unchecked). */
@inline export function setField(obj: usize, i: u32, v: u32): void { storeField(obj, i, v); }
