// Host references: heap objects that stand for a JS value the host keeps in
// its own table (src/heap/hostrefs.ts). The object holds the table index; the core
// keeps a list of every live host-reference object, like GHC's weak pointer
// list, and after each collection moves the indices of those that died to a
// queue the host drains and releases.
//
//   registry ┌───────┬───────┬─────┬────────┐   addresses of live hostref objects
//            │ obj 0 │ obj 1 │ …   │ obj n-1│   (updated when they move)
//            └───────┴───────┴─────┴────────┘
//   dead     ┌───────┬───────┬─────┐            host indices whose object died,
//            │ idx 0 │ idx 1 │ …   │            until the host drains them
//            └───────┴───────┴─────┘
//   hostref object: header (kind HOSTREF, length 0) │ index u32

import { VEC_BYTES, VEC_ALIGN, vecData, vecLength, vecGet, vecPush, vecTruncate, vecReset } from "./vec";
import { allocObject } from "./alloc";
import { sweepRegistry } from "./registry";
import { payloadOf, KIND_HOSTREF } from "./layout";

const registry: usize = memory.data(VEC_BYTES, VEC_ALIGN);
const dead: usize = memory.data(VEC_BYTES, VEC_ALIGN);

/** A new hostref object for host index `index`; 0 when out of heap. */
export function allocHostref(index: u32): usize {
  let obj = allocObject(KIND_HOSTREF, 0, 0);
  if (obj == 0) return 0;
  setHostrefIndex(obj, index);
  vecPush(registry, <u32>obj);
  return obj;
}

@inline export function hostrefIndex(obj: usize): u32 { return load<u32>(payloadOf(obj)); }
@inline function setHostrefIndex(obj: usize, index: u32): void { store<u32>(payloadOf(obj), index); }

/**
 * After the scan of a collection, before from-space is freed: a registered
 * object in from-space either moved (follow it) or died (queue its index).
 */
export function hostrefsSweep(): void {
  sweepRegistry(registry, queueDead);
}

function queueDead(obj: usize): void {
  vecPush(dead, hostrefIndex(obj));
}

export function hostrefsLive(): u32 { return vecLength(registry); }
export function hostrefAt(i: u32): usize { return <usize>vecGet(registry, i); }
export function hostrefsDeadLength(): u32 { return vecLength(dead); }
/** The dead queue's address; the host reads deadLength u32 indices from it. */
export function hostrefsDeadQueue(): usize { return vecData(dead); }
export function hostrefsDeadClear(): void { vecTruncate(dead, 0); }

export function hostrefsReset(): void {
  vecReset(registry);
  vecReset(dead);
}
