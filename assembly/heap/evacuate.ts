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
//
// Aging has a budget (AGING_SHARE): one collection ages at most 1/16 of a
// nursery's bytes of nursery survivors into generation 0; the survivors
// beyond it are promoted at once to generation 1, as HotSpot promotes the
// overflow of a full survivor space. Aging is for objects that die soon after
// their first collection; when most of a nursery survives (a structure larger
// than the nursery being built: binary-trees' stretch and long-lived trees)
// its objects are not short-lived, and aging them all would copy each twice
// in consecutive minors: the next minor would copy the whole previous
// nursery into generation 1 on top of its own survivors, two nurseries' worth
// in one pause (4.5 ms at 1 MiB, docs/bench.md). With the budget a minor
// copies at most 1/16 of a nursery out of generation 0, and of the nursery
// itself at most 1/8 before it promotes the rest in place (Note [Promoting
// the nursery in place], promote.ts). Small survivals, the case aging
// is for, age as before; the budget is counted in evacuation order (roots
// first, then the Cheney scan), so the objects reached first age. The price:
// a survival between the budget and the nursery that would have died in
// generation 0 is promoted and dies in generation 1, so majors come sooner
// (binary-trees' depth-14 trees: a run makes ~12 majors instead of ~5).

import { fail, hex } from "../failure";
import { inNursery, nurseryCheckNotLoaned, nurserySize } from "./nursery";
import { genAlloc, generationCount } from "./generations";
import { promoteNurseryRest, inPromoted, promotionBegin, promotionEnd, logNurseryCopy, PROMOTED_GEN, COPY_SHARE } from "./promote";
import {
  infoOf, setInfo, isForwarded, forwardee, genOfInfo, withGen, kindOfInfo, lengthOf,
  sizeFor, isPointer, FORWARDED, kindName,
} from "./layout";

/** Objects are OBJECT_ALIGN-aligned and sized, so they copy in u64 words. */
@inline const COPY_WORD: usize = sizeof<u64>();
/** Objects up to this size are copied inline (copyObject). */
@inline const INLINE_COPY_BYTES: usize = 8 * COPY_WORD;

/**
 * A collection ages at most nursery / AGING_SHARE bytes (Note [Aging and
 * eager promotion]): a larger share lengthens the pauses that follow a fully
 * surviving nursery (1/8: 1152 KiB copied, ~1 ms at 1 MiB), a smaller one
 * promotes more of what would die young.
 */
@inline const AGING_SHARE: usize = 16;

/** Highest generation being collected; -1 outside a collection. */
let collecting: i32 = -1;
/** Bytes copied by the current collection. */
let copiedBytes: usize = 0;
/** Bytes of nursery survivors the current collection may still age into generation 0. */
let agingRoom: usize = 0;
/** Bytes the current collection may still copy out of the nursery. */
let copyRoom: usize = 0;

export function beginEvacuation(level: i32): void {
  nurseryCheckNotLoaned("collect"); // Note [Hp in a local] (nursery.ts)
  collecting = level;
  copiedBytes = 0;
  agingRoom = nurserySize() / AGING_SHARE;
  copyRoom = level == 0 ? nurserySize() / COPY_SHARE : usize.MAX_VALUE;
  if (level == 0) promotionBegin();
}
export function endEvacuation(): void {
  collecting = -1;
  promotionEnd();
}
export function collectingLevel(): i32 { return collecting; }
/** Bytes of the objects the current (or last) collection kept: copied, or promoted in place. */
export function bytesCopied(): usize { return copiedBytes; }
/** The scan counts what it visits (Note [Counting in the scan], scavenge.ts). */
export function noteCopied(bytes: usize): void { copiedBytes += bytes; }

/** The value a field should hold after its target has been evacuated. */
@inline export function evacuate(v: u32, evacGen: i32): u32 {
  if (!isPointer(v)) return v;
  return <u32>evacuateObject(<usize>v, evacGen);
}

/**
 * True when `obj` is in the collected region: nursery or generation ≤ level,
 * not counting the nursery promoted in place, whose headers may still say
 * generation 0 (Note [Promoting the nursery in place], promote.ts).
 */
@inline export function inFromSpace(obj: usize, info: u32): bool {
  return inNursery(obj) || (genOfInfo(info) <= collecting && !inPromoted(obj));
}

/**
 * Most objects are a few words (a two-field block is 16 bytes), and V8 makes
 * memory.copy a call out of the module: copy those word by word, inline.
 */
@inline function copyObject(to: usize, from: usize, size: usize): void {
  if (size <= INLINE_COPY_BYTES) {
    for (let o: usize = 0; o < size; o += COPY_WORD) store<u64>(to + o, load<u64>(from + o));
  } else {
    memory.copy(to, from, size);
  }
}

/** Evacuation from the roots, remembered sets and other kinds: one out-of-line copy of the code. */
function evacuateObject(obj: usize, evacGen: i32): usize { return evacuateObjectInline(obj, evacGen); }

/** evacuate, out of line: for loops that must stay small (scanPromoted). */
export function evacuateOut(v: u32, evacGen: i32): u32 { return evacuate(v, evacGen); }

/** The scan's hot path (scavenge.ts): evacuate inlined into its loop over a block's fields. */
@inline export function evacuateFast(v: u32, evacGen: i32): u32 {
  if (!isPointer(v)) return v;
  return <u32>evacuateObjectInline(<usize>v, evacGen);
}

@inline function evacuateObjectInline(obj: usize, evacGen: i32): usize {
  let info = infoOf(obj);
  if (isForwarded(info)) return forwardee(info);
  let size = sizeFor(kindOfInfo(info), lengthOf(obj));
  let dest: i32;
  if (inNursery(obj)) {
    if (size > copyRoom) {
      promoteNurseryRest();
      return obj;
    }
    copyRoom -= size;
    if (collecting == 0) logNurseryCopy(obj);
    if (evacGen > 0) {
      dest = evacGen;
    } else if (size <= agingRoom) {
      agingRoom -= size;
      dest = 0;
    } else {
      dest = PROMOTED_GEN;
    }
  } else {
    let g = genOfInfo(info);
    if (g > collecting || inPromoted(obj)) return obj;
    dest = g + 1 < generationCount() ? g + 1 : g;
    if (dest < evacGen) dest = evacGen;
  }
  let to = genAlloc(dest, size);
  if (to == 0) evacuationFailed(obj, info, size, dest);
  copyObject(to, obj, size);
  setInfo(to, withGen(info, dest));
  setInfo(obj, <u32>to | FORWARDED);
  return to;
}

/** Out of line, so evacuateObject stays small: Note [maxHeap and the collector] lifts the limit, so only memory itself can refuse. */
function evacuationFailed(obj: usize, info: u32, size: usize, dest: i32): void {
  fail("evacuate: out of memory copying a " + kindName(kindOfInfo(info)) + " of " + size.toString() + " bytes at " + hex(obj) + " into generation " + dest.toString());
}
