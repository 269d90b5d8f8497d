// Stable handles: the host's roots. A table of value slots in pool memory; the
// collector updates every live slot when its object moves, so a slot index
// stays valid from handleNew to handleFree whatever the collector does.
//
//   table ┌─────────┬─────────┬─────────┬─────┬─────────┬────────────┐
//         │ slot 0  │ slot 1  │ slot 2  │ …   │ used-1  │ capacity … │
//         └─────────┴─────────┴─────────┴─────┴─────────┴────────────┘
//   A live slot holds a value. A free slot holds ((next free + 1) << 3) | 110b
//   (FREE_SLOT_TAG; next free + 1 == 0: end of the free list), a pattern no
//   value has, so the collector and the sanity checker tell them apart.
//   [0..used) have been handed out at least once; [used..capacity) never.
//   The table is a vector (vec.ts): used is its length; the free list lives
//   in its slots, so a freed slot is reused before the vector grows.

import { VEC_BYTES, VEC_ALIGN, vecLength, vecCapacity, vecAt, vecPush, vecReset } from "./vec";
import { coreEnter, coreLeave } from "../core-depth";
import { fail } from "../failure";
import { evacuate } from "./evacuate";
import { FREE_SLOT_TAG, LOW3_MASK, SPECIAL_SHIFT } from "./layout";

/** Returned for "no slot" (never a valid index). */
@inline export const NO_HANDLE: u32 = 0xFFFF_FFFF;

const table: usize = memory.data(VEC_BYTES, VEC_ALIGN);
/** Index + 1 of the first free slot; 0: none. */
let freeHead: u32 = 0;
let live: u32 = 0;

@inline function slotAddr(i: u32): usize { return vecAt(table, i); }
@inline function freeWord(nextPlusOne: u32): u32 { return (nextPlusOne << SPECIAL_SHIFT) | FREE_SLOT_TAG; }
@inline export function isFreeWord(w: u32): bool { return (w & LOW3_MASK) == FREE_SLOT_TAG; }
@inline function nextOfFree(w: u32): u32 { return w >> SPECIAL_SHIFT; }

/** A new handle holding `v`. */
export function handleNew(v: u32): u32 {
  coreEnter(); // Note [Overflow inside or outside the core] (core-depth.ts)
  live++;
  let i: u32;
  if (freeHead == 0) {
    i = vecLength(table);
    vecPush(table, v);
  } else {
    i = freeHead - 1;
    freeHead = nextOfFree(load<u32>(slotAddr(i)));
    store<u32>(slotAddr(i), v);
  }
  coreLeave();
  return i;
}

/** True if `i` is a handle handed out and not freed. */
export function handleIsLive(i: u32): bool {
  return i < vecLength(table) && !isFreeWord(load<u32>(slotAddr(i)));
}

@inline export function handleGet(i: u32): u32 { return load<u32>(slotAddr(i)); }
@inline export function handleSet(i: u32, v: u32): void { store<u32>(slotAddr(i), v); }

/** Returns `i` to the free list; a free or unknown slot fails loudly. */
export function handleFree(i: u32): void {
  if (!handleIsLive(i)) fail("handle_free: " + i.toString() + " is not a live handle (double free or never allocated)");
  store<u32>(slotAddr(i), freeWord(freeHead));
  freeHead = i + 1;
  live--;
}

/** Roots: every live slot's value is evacuated with evacGen 0. */
export function handlesEvacuate(): void {
  for (let i: u32 = 0, used = vecLength(table); i < used; i++) {
    let a = slotAddr(i);
    let w = load<u32>(a);
    if (!isFreeWord(w)) store<u32>(a, evacuate(w, 0));
  }
}

export function handlesLive(): u32 { return live; }
export function handlesUsed(): u32 { return vecLength(table); }
export function handlesCapacity(): u32 { return vecCapacity(table); }
export function handlesFreeHead(): u32 { return freeHead; }
/** Raw slot word, live or free (sanity.ts). */
export function handleWord(i: u32): u32 { return load<u32>(slotAddr(i)); }
export function freeWordNext(w: u32): u32 { return nextOfFree(w); }

/** After shutdown: the pool destroy freed the table. */
export function handlesReset(): void {
  vecReset(table);
  freeHead = 0;
  live = 0;
}
