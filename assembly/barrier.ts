// The write barrier and the remembered sets (GHC's mut lists): which objects
// of an old generation may point into a younger one.
//
// A remembered set, per generation g > 0: a vector (heap/vec.ts) of u32
// object addresses, its descriptor the g-th of one static array:
//
//   sets ┌──────────────┬──────────────┬─────┬──────────────────────────────┐
//        │ descriptor 0 │ descriptor 1 │ …   │ descriptor MAX_GENERATIONS-1 │
//        └──────────────┴──────────────┴─────┴──────────────────────────────┘
//   set g ┌────────┬────────┬─────┬──────────┬─────────────┐
//         │ obj 0  │ obj 1  │ …   │ obj n-1  │ capacity …  │
//         └────────┴────────┴─────┴──────────┴─────────────┘
//
// Note [The remembered-set rule]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Outside a collection: every object of generation g > 0 with a field pointing
// into a younger generation (the nursery counts as generation 0) has its
// REMEMBERED bit set and is on generation g's remembered set; an object is on
// a set iff its bit is set, so it is on it at most once; every entry of g's
// set is an object of generation g.
// The barrier keeps the rule between collections: a store of a pointer into a
// clean object of generation g > 0 marks it and records it, whatever the
// target's generation (as GHC's dirty_MUT_VAR: one test on the hot path).
// Minor collections use the sets of the generations they do not collect as
// roots; scavenging an object decides again whether it must stay recorded
// (scavenge.ts). Major collections start them over. sanity.ts re-checks it.

import { VEC_BYTES, VEC_ALIGN, vecLength, vecCapacity, vecGet, vecSet, vecPush, vecReserve, vecTruncate, vecReset } from "./heap/vec";
import { coreEnter, coreLeave } from "./core-depth";
import { faultOn, FAULT_BARRIER_SKIP_YOUNG } from "./faults";
import { inNursery } from "./heap/nursery";
import {
  infoOf, setInfo, isPointer, genOfInfo, REMEMBERED, GEN_MASK, MAX_GENERATIONS, fieldAddr,
} from "./heap/layout";

/** A set's first storage: sets started at 256 entries before they were vectors (vec.ts starts at 64); kept, so bookkeeping blocks are placed as before. */
@inline const RS_INITIAL_CAP: u32 = 256;

const sets: usize = memory.data(VEC_BYTES * MAX_GENERATIONS, VEC_ALIGN);
/**
 * Since startup: objects the barrier put on a set, and set entries the
 * collections scanned as roots. f64: a long run passes 2^32. They show a
 * workload exercises the barrier (bench/rows/lru.ts), which the sets' lengths
 * cannot: every collection empties or shortens them.
 */
let recordedTotal: f64 = 0;
let scannedTotal: f64 = 0;

@inline function rs(g: i32): usize { return sets + <usize>g * <usize>VEC_BYTES; }

export function remsetLength(g: i32): u32 { return vecLength(rs(g)); }
export function remsetAt(g: i32, i: u32): usize { return <usize>vecGet(rs(g), i); }
export function remsetSetAt(g: i32, i: u32, obj: usize): void { vecSet(rs(g), i, <u32>obj); }
export function remsetTruncate(g: i32, n: u32): void { vecTruncate(rs(g), n); }
export function remsetRecordedTotal(): f64 { return recordedTotal; }
export function remsetScannedTotal(): f64 { return scannedTotal; }
/** scavenge.ts: a collection took n entries of a set as roots. */
export function remsetNoteScanned(n: u32): void { scannedTotal += <f64>n; }

/** Marks `obj` (of generation g > 0) dirty and puts it on g's set. */
export function remember(obj: usize, g: i32): void {
  setInfo(obj, infoOf(obj) | REMEMBERED);
  let r = rs(g);
  if (vecCapacity(r) == 0) vecReserve(r, RS_INITIAL_CAP);
  vecPush(r, <u32>obj);
}

/**
 * The write barrier: call with every pointer-or-immediate `value` stored into
 * a field of `obj`. See Note [The remembered-set rule].
 */
@inline export function writeBarrier(obj: usize, value: u32): void {
  let info = infoOf(obj);
  // An immediate cannot point anywhere; a generation-0 object is collected
  // with the nursery every time; a dirty object is already recorded.
  if (isPointer(value) && (info & GEN_MASK) != 0 && (info & REMEMBERED) == 0) {
    barrierRecord(obj, genOfInfo(info), value);
  }
}

function barrierRecord(obj: usize, g: i32, value: u32): void {
  // Fault injection (docs/faults.md): forget stores that create an
  // old-to-young pointer, the bug class sanity.ts exists to catch.
  if (faultOn(FAULT_BARRIER_SKIP_YOUNG) && pointsYounger(value, g)) return;
  coreEnter(); // Note [Overflow inside or outside the core]: REMEMBERED is set before the push
  remember(obj, g);
  coreLeave();
  recordedTotal += 1;
}

@inline function pointsYounger(value: u32, g: i32): bool {
  let target = <usize>value;
  return inNursery(target) || genOfInfo(infoOf(target)) < g;
}

/** A field store through the barrier (blocks: field i is payload word i). */
@inline export function storeField(obj: usize, i: u32, value: u32): void {
  writeBarrier(obj, value);
  store<u32>(fieldAddr(obj, i), value);
}

/** After shutdown: the pool destroy freed the arrays. */
export function remsetsReset(): void {
  for (let g: i32 = 0; g < MAX_GENERATIONS; g++) vecReset(rs(g));
  recordedTotal = 0;
  scannedTotal = 0;
}
