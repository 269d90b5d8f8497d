// Host references: heap objects that stand for a JS value the host keeps in
// its own table (src/hostrefs.ts). The object holds the table index; the core
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

import { metaResize } from "./meta";
import { allocObject } from "./alloc";
import { inFromSpace } from "./evacuate";
import { infoOf, isForwarded, forwardee, payloadOf, KIND_HOSTREF } from "./layout";

@inline const ENTRY: usize = sizeof<u32>();
@inline const INITIAL_CAPACITY: u32 = 64;

let registry: usize = 0;
let registryLength: u32 = 0;
let registryCapacity: u32 = 0;
let dead: usize = 0;
let deadLength: u32 = 0;
let deadCapacity: u32 = 0;

@inline function at(base: usize, i: u32): usize { return base + <usize>i * ENTRY; }

/** A new hostref object for host index `index`; 0 when out of heap. */
export function allocHostref(index: u32): usize {
  let obj = allocObject(KIND_HOSTREF, 0, 0);
  if (obj == 0) return 0;
  setHostrefIndex(obj, index);
  if (registryLength == registryCapacity) {
    registryCapacity = registryCapacity == 0 ? INITIAL_CAPACITY : registryCapacity << 1;
    registry = metaResize(registry, <usize>registryCapacity * ENTRY);
  }
  store<u32>(at(registry, registryLength++), <u32>obj);
  return obj;
}

@inline export function hostrefIndex(obj: usize): u32 { return load<u32>(payloadOf(obj)); }
@inline function setHostrefIndex(obj: usize, index: u32): void { store<u32>(payloadOf(obj), index); }

/**
 * After the scan of a collection, before from-space is freed: a registered
 * object in from-space either moved (follow it) or died (queue its index).
 */
export function hostrefsSweep(): void {
  let w: u32 = 0;
  for (let i: u32 = 0; i < registryLength; i++) {
    let obj = <usize>load<u32>(at(registry, i));
    let info = infoOf(obj);
    if (isForwarded(info)) {
      store<u32>(at(registry, w++), <u32>forwardee(info));
    } else if (inFromSpace(obj, info)) {
      pushDead(hostrefIndex(obj));
    } else {
      store<u32>(at(registry, w++), <u32>obj);
    }
  }
  registryLength = w;
}

function pushDead(index: u32): void {
  if (deadLength == deadCapacity) {
    deadCapacity = deadCapacity == 0 ? INITIAL_CAPACITY : deadCapacity << 1;
    dead = metaResize(dead, <usize>deadCapacity * ENTRY);
  }
  store<u32>(at(dead, deadLength++), index);
}

export function hostrefsLive(): u32 { return registryLength; }
export function hostrefAt(i: u32): usize { return <usize>load<u32>(at(registry, i)); }
export function hostrefsDeadLength(): u32 { return deadLength; }
/** The dead queue's address; the host reads deadLength u32 indices from it. */
export function hostrefsDeadQueue(): usize { return dead; }
export function hostrefsDeadClear(): void { deadLength = 0; }

export function hostrefsReset(): void {
  registry = 0;
  registryLength = 0;
  registryCapacity = 0;
  dead = 0;
  deadLength = 0;
  deadCapacity = 0;
}
