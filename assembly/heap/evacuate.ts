// Evacuation: copying one object out of from-space and leaving a forwarding
// address behind. After GHC's rts/sm/Evac.c.
//
// Note [Aging and eager promotion]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A collection of level N collects the nursery and generations 0..N. Where a
// survivor goes:
//   nursery → generation 0     (it ages once before promotion)
//   gen k   → gen k + 1        (the oldest generation copies into itself)
// unless it is first reached from a field of an object of an older generation
// e (`evacGen`, GHC's evac_gen_no): then it goes to e at once, since it would
// otherwise have to be remembered there and promoted again later. An object
// already copied (forwarded), or living in a generation that is not being
// collected, stays where it is; if that is younger than evacGen the field
// that reached it keeps its holder on a remembered set (scavenge.ts decides).

import { fail, hex } from "../failure";
import { inNursery } from "./nursery";
import { genAlloc, generationCount } from "./generations";
import {
  infoOf, setInfo, isForwarded, forwardee, genOfInfo, withGen, kindOfInfo, lengthOf,
  sizeFor, isPointer, FORWARDED, kindName,
} from "./layout";

/** Highest generation being collected; -1 outside a collection. */
let collecting: i32 = -1;
/** Bytes copied by the current collection. */
let copiedBytes: usize = 0;

export function beginEvacuation(level: i32): void {
  collecting = level;
  copiedBytes = 0;
}
export function endEvacuation(): void { collecting = -1; }
export function collectingLevel(): i32 { return collecting; }
export function bytesCopied(): usize { return copiedBytes; }

/** The value a field should hold after its target has been evacuated. */
@inline export function evacuate(v: u32, evacGen: i32): u32 {
  if (!isPointer(v)) return v;
  return <u32>evacuateObject(<usize>v, evacGen);
}

/** True when `obj` is in the collected region: nursery or generation ≤ level. */
@inline export function inFromSpace(obj: usize, info: u32): bool {
  return inNursery(obj) || genOfInfo(info) <= collecting;
}

function evacuateObject(obj: usize, evacGen: i32): usize {
  let info = infoOf(obj);
  if (isForwarded(info)) return forwardee(info);
  let dest: i32;
  if (inNursery(obj)) {
    dest = 0;
  } else {
    let g = genOfInfo(info);
    if (g > collecting) return obj;
    dest = g + 1 < generationCount() ? g + 1 : g;
  }
  if (dest < evacGen) dest = evacGen;
  let size = sizeFor(kindOfInfo(info), lengthOf(obj));
  let to = genAlloc(dest, size);
  if (to == 0) {
    fail("evacuate: out of memory copying a " + kindName(kindOfInfo(info)) + " of " + size.toString() + " bytes at " + hex(obj) + " into generation " + dest.toString());
  }
  memory.copy(to, obj, size);
  setInfo(to, withGen(info, dest));
  setInfo(obj, <u32>to | FORWARDED);
  copiedBytes += size;
  return to;
}
