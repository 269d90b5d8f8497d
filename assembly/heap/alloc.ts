// Allocation and field access for mutators: the host's exports (index.ts) and
// AssemblyScript mutators alike (the benchmark imports these directly, so an
// object costs no JS call). Every function that allocates may collect, which
// moves objects: a mutator keeps the pointers it needs across an allocation
// on the root stack (roots.ts) or in handles; allocBlock2 does it for its own
// arguments.
//
// All allocators return 0 when the heap is out of space under maxHeap, see
// Note [maxHeap and the collector]; the runtime stays usable.

import { nurseryAlloc, nurserySize, nurseryExists, nurseryCreate, nurseryClose } from "./nursery";
import { genAlloc, LARGE_OBJECT_BYTES } from "./generations";
import { collectForAllocation, collectMajor, noteLargeAllocation } from "./collect";
import { rootPush, rootPop } from "./roots";
import { storeField } from "../barrier";
import {
  setInfo, setLength, makeInfo, sizeFor, payloadOf, fieldOf, setFieldRaw, setFloat,
  KIND_BLOCK, KIND_BYTES, KIND_STRING, KIND_FLOAT, VALUE_NULL, HEADER_SIZE, WORD_SIZE,
} from "./layout";

/** Size of a two-field block, the commonest object (list cells, tree nodes). */
@inline const BLOCK2_BYTES: usize = HEADER_SIZE + 2 * WORD_SIZE;

/** An object of `kind` with `length` units, payload uninitialised; 0 when out of heap. */
export function allocObject(kind: u32, tag: u32, length: u32): usize {
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

/** A block {a, b}; a and b are kept alive (and updated) across a collection. */
@inline export function allocBlock2(tag: u32, a: u32, b: u32): usize {
  let p = nurseryAlloc(BLOCK2_BYTES);
  if (p == 0) return allocBlock2Slow(tag, a, b);
  setInfo(p, makeInfo(KIND_BLOCK, 0, tag));
  setLength(p, 2);
  setFieldRaw(p, 0, a);
  setFieldRaw(p, 1, b);
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
