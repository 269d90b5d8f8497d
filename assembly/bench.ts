// Benchmark kernels: hot loops that run entirely inside the core, so a row can
// time an allocator without the JS→wasm call in every operation. Used by
// bench/rows/*.ts only; nothing in the runtime calls them.
//
// A churn batch reads three u32 arrays the host wrote into memory beforehand:
//
//   sizes  ┌────┬────┬───┬──────┐   bytes to allocate, block i
//          │ s0 │ s1 │ … │ sn-1 │
//   order  ├────┼────┼───┼──────┤   a permutation of 0..n-1: block order[j]
//          │ o0 │ o1 │ … │ on-1 │   is the j-th to be freed
//   ptrs   ├────┼────┼───┼──────┤   scratch: block i's address, between the
//          │ p0 │ p1 │ … │ pn-1 │   two phases
//          └────┴────┴───┴──────┘
//
// Note [Same kernel for every allocator]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The ring (pool_alloc/pool_free) and its peer, raw TLSF (heap.alloc/free),
// run the same loop over the same arrays, so the only difference between the
// two timings is the allocator. Both loops are written out rather than shared
// through a function reference: an indirect call would cost more than the
// ring's own bookkeeping and hide what is being measured.

import { poolAlloc, poolFree } from "./pool";
import { mvarTake, mvarPut } from "./mvar/mvar";
import { intValue, intOf } from "./heap/layout";

/** Bytes per array element. */
@inline const ELEMENT_SIZE: usize = sizeof<u32>();

@inline function element(array: usize, i: u32): usize {
  return <usize>load<u32>(array + <usize>i * ELEMENT_SIZE);
}

@inline function setElement(array: usize, i: u32, v: usize): void {
  store<u32>(array + <usize>i * ELEMENT_SIZE, <u32>v);
}

/**
 * Allocates n ring blocks of sizes[i], then frees them in `order`. Returns
 * the xor of the addresses, which the host keeps so the work cannot be
 * elided. See Note [Same kernel for every allocator].
 */
export function benchPoolChurn(sizes: usize, order: usize, ptrs: usize, n: u32): u32 {
  let seen: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let p = poolAlloc(element(sizes, i));
    setElement(ptrs, i, p);
    seen ^= <u32>p;
  }
  for (let j: u32 = 0; j < n; j++) {
    poolFree(element(ptrs, <u32>element(order, j)));
  }
  return seen;
}

/** The same batch on raw TLSF. See Note [Same kernel for every allocator]. */
export function benchHeapChurn(sizes: usize, order: usize, ptrs: usize, n: u32): u32 {
  let seen: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let p = heap.alloc(element(sizes, i));
    setElement(ptrs, i, p);
    seen ^= <u32>p;
  }
  for (let j: u32 = 0; j < n; j++) {
    heap.free(element(ptrs, <u32>element(order, j)));
  }
  return seen;
}

/**
 * MVar take+put pairs that never block: the MVar in `slot` starts full, and
 * each pair takes the value and puts it back plus one, through the same
 * functions the host calls (barrier, queue checks and all). Returns the last
 * value, so the loop cannot be optimised away.
 */
export function benchMVarTakePut(slot: u32, n: u32): u32 {
  let v: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    v = mvarTake(slot);
    mvarPut(slot, intValue(intOf(v) + 1));
  }
  return v;
}
