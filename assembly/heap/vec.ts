// A growable vector of u32 in bookkeeping memory (meta.ts): the one
// grow-by-doubling list every heap table is made of (host-reference and
// custom-block lists, finaliser tables, weak pointers, dead queues).
//
// A vector is the address of a descriptor in static data, one per table:
// `const table = memory.data(VEC_BYTES, VEC_ALIGN)` at module level (each
// memory.data call site is its own segment, so a helper function returning
// one would hand every caller the same descriptor); its storage is a pool block, so the pool's
// destroy frees it with everything else and `vecReset` only forgets the
// address (Note [Shutdown order], lifecycle.ts). Descriptors, not classes:
// the core's runtime is `minimal`, and a table must outlive nothing but
// the cycle.
//
//   descriptor ┌──────────┬──────────┬──────────┐
//              │ data     │ length   │ capacity │   u32 each
//              └──────────┴──────────┴──────────┘

import { metaResize } from "./meta";

@inline const VEC_DATA: usize = 0;
@inline const VEC_LENGTH: usize = VEC_DATA + sizeof<u32>();
@inline const VEC_CAPACITY: usize = VEC_LENGTH + sizeof<u32>();
/** Bytes of a descriptor, for memory.data. */
@inline export const VEC_BYTES: i32 = <i32>(VEC_CAPACITY + sizeof<u32>());
@inline export const VEC_ALIGN: i32 = <i32>sizeof<u32>();
@inline const VEC_ENTRY: usize = sizeof<u32>();
@inline const VEC_INITIAL: u32 = 64;

@inline export function vecData(v: usize): usize { return <usize>load<u32>(v, VEC_DATA); }
@inline export function vecLength(v: usize): u32 { return load<u32>(v, VEC_LENGTH); }
/** Entries the storage holds before the next push grows it (sanity.ts checks length ≤ capacity). */
@inline export function vecCapacity(v: usize): u32 { return load<u32>(v, VEC_CAPACITY); }
@inline export function vecAt(v: usize, i: u32): usize { return vecData(v) + <usize>i * VEC_ENTRY; }
@inline export function vecGet(v: usize, i: u32): u32 { return load<u32>(vecAt(v, i)); }
@inline export function vecSet(v: usize, i: u32, x: u32): void { store<u32>(vecAt(v, i), x); }

/** Keeps the first `n` entries (n ≤ length): how a sweep compacts in place. */
@inline export function vecTruncate(v: usize, n: u32): void { store<u32>(v, n, VEC_LENGTH); }

/** Room for `extra` more entries; bookkeeping memory is never refused (Note [maxHeap and the collector], meta.ts). */
export function vecReserve(v: usize, extra: u32): void {
  let length = vecLength(v);
  let capacity = load<u32>(v, VEC_CAPACITY);
  if (length + extra <= capacity) return;
  let want = capacity == 0 ? VEC_INITIAL : capacity << 1;
  while (want < length + extra) want <<= 1;
  store<u32>(v, <u32>metaResize(vecData(v), <usize>want * VEC_ENTRY), VEC_DATA);
  store<u32>(v, want, VEC_CAPACITY);
}

export function vecPush(v: usize, x: u32): void {
  let length = vecLength(v);
  if (length == load<u32>(v, VEC_CAPACITY)) vecReserve(v, 1);
  store<u32>(vecAt(v, length), x);
  store<u32>(v, length + 1, VEC_LENGTH);
}

/** Reverses entries [from, length): a sweep queues forwards, the order asked for is backwards. */
export function vecReverseFrom(v: usize, from: u32): void {
  let i = from;
  let j = vecLength(v);
  while (j > i + 1) {
    j--;
    let a = vecGet(v, i);
    vecSet(v, i, vecGet(v, j));
    vecSet(v, j, a);
    i++;
  }
}

/** The pool destroy freed the storage: forget it. */
export function vecReset(v: usize): void {
  store<u32>(v, 0, VEC_DATA);
  store<u32>(v, 0, VEC_LENGTH);
  store<u32>(v, 0, VEC_CAPACITY);
}
