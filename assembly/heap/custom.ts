// Custom blocks: an opaque payload (a number, or bytes) plus the index of a
// finaliser the host keeps (a host function or a library export, see
// src/final/custom.ts). After OCaml's custom blocks and their `finalize` operation.
// Like host references (hostrefs.ts), the core keeps a list of every live
// custom block; after each collection the blocks found dead leave it, and
// their finaliser index and payload are copied to a queue the host drains and
// runs, each exactly once. At shutdown every block still alive goes to the
// queue the same way (customFinaliseAll), before the pool is destroyed.
//
//   custom object, kind CUSTOM, length = payload bytes (0 for a number):
//   obj          +8            +12          +16              +24
//   ▼            ▼             ▼            ▼                ▼
//   ┌────────────┬─────────────┬────────────┬────────────────┬──────────────────┐
//   │ header     │ finaliser   │ flags u32  │ number f64     │ bytes … (length) │
//   └────────────┴─────────────┴────────────┴────────────────┴──────────────────┘
//   finaliser: the host's index;  flags: CUSTOM_BYTES when the payload is the bytes
//
//   dead queue, one record per dead block (8-aligned, back to back):
//   ┌────────────┬─────────────┬────────────┬────────────┬────────────────┬──────────────┐
//   │ length u32 │ finaliser   │ flags u32  │ (pad)      │ number f64     │ bytes, padded│
//   └────────────┴─────────────┴────────────┴────────────┴────────────────┴──────────────┘
//
// Note [Custom finalisers run outside the collector]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A dead block's from-space copy is freed when its collection ends, and the
// finaliser is host code that must not run inside the collector (it could not
// allocate, and a trap there would leave the heap half copied). So the sweep
// copies what the finaliser needs, its index and payload, into the dead queue
// (bookkeeping memory, never refused: See Note [maxHeap and the collector]),
// and the host runs the queue after the core call that collected returns,
// never nested. A block leaves the live list the moment it is queued, so it
// can be queued once only: exactly-once is a property of the list, not of
// the host's good behaviour.

import { metaResize } from "./meta";
import { coreEnter, coreLeave } from "../core-depth";
import { vecLength, vecGet, vecPush, vecTruncate, vecReset, VEC_BYTES, VEC_ALIGN } from "./vec";
import { allocObject } from "./alloc";
import { sweepRegistry } from "./registry";
import { payloadOf, lengthOf, alignObject, KIND_CUSTOM } from "./layout";

@inline const INITIAL_DEAD_BYTES: usize = 1024;

// Object payload offsets (from payloadOf).
@inline export const CUSTOM_FINALISER: usize = 0;
@inline export const CUSTOM_FLAGS: usize = CUSTOM_FINALISER + sizeof<u32>();
@inline export const CUSTOM_NUMBER: usize = CUSTOM_FLAGS + sizeof<u32>();
@inline export const CUSTOM_BYTES_AT: usize = CUSTOM_NUMBER + sizeof<f64>();
/** The fixed payload of a custom object: its kinds-table row (layout.ts). */
@inline export const CUSTOM_FIXED: u32 = <u32>CUSTOM_BYTES_AT;

/** Flag: the payload is the object's bytes, not its number. */
@inline export const CUSTOM_BYTES: u32 = 1 << 0;

// Dead record offsets: a length word, then the object's payload as it was.
@inline const RECORD_LENGTH: usize = 0;
@inline const RECORD_PAYLOAD: usize = 2 * sizeof<u32>();
@inline const RECORD_FIXED: usize = RECORD_PAYLOAD + <usize>CUSTOM_FIXED;

/** Every live custom block (addresses, updated when they move). */
const registry = memory.data(VEC_BYTES, VEC_ALIGN);
let dead: usize = 0;
let deadBytes: usize = 0;
let deadCapacity: usize = 0;
let deadCount: u32 = 0;
let queued: u32 = 0;

/**
 * A new custom block of `length` payload bytes (left for the caller to fill
 * when `flags` has CUSTOM_BYTES), holding finaliser index `finaliser` and
 * `number`; 0 when out of heap.
 */
export function allocCustom(finaliser: u32, flags: u32, number: f64, length: u32): usize {
  let obj = allocObject(KIND_CUSTOM, 0, length);
  if (obj == 0) return 0;
  let p = payloadOf(obj);
  store<u32>(p, finaliser, CUSTOM_FINALISER);
  store<u32>(p, flags, CUSTOM_FLAGS);
  store<f64>(p, number, CUSTOM_NUMBER);
  coreEnter(); // Note [Overflow inside or outside the core]: made, then registered
  vecPush(registry, <u32>obj);
  coreLeave();
  return obj;
}

@inline export function customFinaliser(obj: usize): u32 { return load<u32>(payloadOf(obj), CUSTOM_FINALISER); }
@inline export function customFlags(obj: usize): u32 { return load<u32>(payloadOf(obj), CUSTOM_FLAGS); }
@inline export function customNumber(obj: usize): f64 { return load<f64>(payloadOf(obj), CUSTOM_NUMBER); }
@inline export function customBytes(obj: usize): usize { return payloadOf(obj) + CUSTOM_BYTES_AT; }

/**
 * After the scan of a collection, before from-space is freed: a registered
 * block in from-space either moved (follow it) or died (queue it). See
 * Note [Custom finalisers run outside the collector].
 */
export function customSweep(): void {
  sweepRegistry(registry, pushDead);
}

/** Shutdown step (2): every live block goes to the queue; the list is left empty. */
export function customFinaliseAll(): u32 {
  let n = vecLength(registry);
  for (let i: u32 = 0; i < n; i++) pushDead(<usize>vecGet(registry, i));
  vecTruncate(registry, 0);
  return n;
}

@inline function recordSize(length: u32): usize { return alignObject(RECORD_FIXED + <usize>length); }

function pushDead(obj: usize): void {
  let length = lengthOf(obj);
  let size = recordSize(length);
  if (deadBytes + size > deadCapacity) {
    let want = deadCapacity == 0 ? INITIAL_DEAD_BYTES : deadCapacity << 1;
    while (want < deadBytes + size) want <<= 1;
    dead = metaResize(dead, want);
    deadCapacity = want;
  }
  let r = dead + deadBytes;
  store<u32>(r, length, RECORD_LENGTH);
  memory.copy(r + RECORD_PAYLOAD, payloadOf(obj), <usize>CUSTOM_FIXED + <usize>length);
  deadBytes += size;
  deadCount++;
  queued++;
}

/** Live custom blocks (on the list, not yet queued). */
export function customLive(): u32 { return vecLength(registry); }
export function customAt(i: u32): usize { return <usize>vecGet(registry, i); }
/** Records waiting in the dead queue. */
export function customDeadCount(): u32 { return deadCount; }
/** The dead queue's address; records as pictured above, customDeadBytes() bytes. */
export function customDeadQueue(): usize { return dead; }
export function customDeadBytes(): usize { return deadBytes; }
export function customDeadClear(): void {
  deadBytes = 0;
  deadCount = 0;
}
/** Blocks queued for finalisation since init (collections and shutdown). */
export function customQueued(): u32 { return queued; }

export function customReset(): void {
  vecReset(registry);
  dead = 0;
  deadBytes = 0;
  deadCapacity = 0;
  deadCount = 0;
  queued = 0;
}
