// Promoting the nursery in place: a minor collection that has copied its
// share of the nursery's survivors makes the rest of the nursery a chunk of
// generation 1 where it lies, and takes a fresh block for the nursery.
//
// Note [Promoting the nursery in place]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// When a structure larger than the nursery is being built (binary-trees'
// depth-16 trees: 2 MiB), everything in the nursery is alive when it fills,
// and copying a 1 MiB nursery of 16-byte blocks took 0.7–1.5 ms (~11 ns an
// object: evacuate, copy, forward, scan; docs/bench.md, heap/minor-pause).
// Copying such a nursery buys nothing: its objects are packed already and
// old enough to promote. Whether it survives whole is not known until it has
// been traced, so a minor collection starts copying as usual, and when the
// survivors it has copied out of the nursery would pass 1/COPY_SHARE of the
// nursery (evacuate.ts) it stops copying:
//   1. the nursery's block (a chunk header, then the nursery: nursery.ts) is
//      adopted as generation PROMOTED_GEN's last chunk, after the scan's
//      start mark, so the Cheney scan visits every object in it, and a fresh
//      block becomes the nursery (nurseryRenew);
//   2. until the scan has relabelled them, the old nursery's objects still
//      say generation 0, so evacuation and the remembered-set rule know them
//      by address (inPromoted) and leave them where they are;
//   3. the scan (scanPromoted, scavenge.ts) relabels each object, steps
//      over those copied before the switch (forwarded stubs, sized by their
//      copies' headers) and redirects a field that points at one to its copy;
//   4. at the end of the collection, after the sweeps' last use of
//      forwarding, each stub becomes a filler, a dead bytes object of its
//      size (promotionEnd), so the chunk is walkable and nothing in it is
//      forwarded; the sanity checker's heap walk checks both. The stubs are
//      found in the log every minor collection keeps of the nursery objects
//      it copies (logNurseryCopy: a store, at most nursery / 64 entries).
// A fully surviving 1 MiB nursery then costs 128 KiB of copying and one pass
// over the rest, which relabels headers and reads fields but copies nothing.
// The price: every object of the old nursery is kept, dead or alive, until
// the next major collection, with what it points to; so are the finalisers
// and weak pointers of its dead objects. Survivals below the copying share,
// the common case, never switch; majors never switch, since they promise to
// find every dead object (blocked threads, finalisers).

import { fail } from "../failure";
import { faultOn, FAULT_PROMOTE_KEEP_STUBS } from "../faults";
import { nurseryStart, nurseryTop, nurserySize, nurseryRenew } from "./nursery";
import { genAdoptChunk } from "./generations";
import { metaResize } from "./meta";
import {
  infoOf, setInfo, setLength, isForwarded, forwardee, kindOfInfo, lengthOf, sizeFor, makeInfo,
  KIND_BYTES, HEADER_SIZE,
} from "./layout";

/** A minor collection copies at most nursery / COPY_SHARE bytes out of the nursery (evacuate.ts). */
@inline export const COPY_SHARE: usize = 8;
/** The smallest object: a header alone (a block of no fields). */
@inline const MIN_OBJECT: usize = HEADER_SIZE;

/** The generation the old nursery joins: where nursery survivors beyond the aging budget go (evacuate.ts). */
@inline export const PROMOTED_GEN: i32 = 1;

/** The old nursery's objects, [promotedStartAddr, promotedStartAddr + promotedSize), during the collection that promoted them. */
let promotedStartAddr: usize = 0;
let promotedSize: usize = 0;
/**
 * The nursery objects a minor collection has copied, in order: the stubs it
 * leaves if it switches (at most nursery / COPY_SHARE bytes of objects of at
 * least MIN_OBJECT bytes, so the log never overflows).
 */
let copyLog: usize = 0;
let copyLogTop: usize = 0;
let promotions: u32 = 0;

/** True for an object of the nursery promoted in place by the current collection. */
@inline export function inPromoted(p: usize): bool { return p - promotedStartAddr < promotedSize; }

/** Where the promoted nursery starts; 0 when the current collection has promoted none. */
export function promotedStart(): usize { return promotedSize == 0 ? 0 : promotedStartAddr; }
export function promotedEnd(): usize { return promotedStartAddr + promotedSize; }
export function promotedBytes(): usize { return promotedSize; }

/** Called by every minor collection before it copies: the log is made once and kept until shutdown. */
export function promotionBegin(): void {
  if (copyLog == 0) {
    copyLog = metaResize(0, (nurserySize() / COPY_SHARE / MIN_OBJECT + 1) * sizeof<u32>());
  }
  copyLogTop = copyLog;
}

/** evacuate.ts: `obj` of the nursery has just been copied. */
@inline export function logNurseryCopy(obj: usize): void {
  store<u32>(copyLogTop, <u32>obj);
  copyLogTop += sizeof<u32>();
}

/** Step 1 of Note [Promoting the nursery in place]. */
export function promoteNurseryRest(): void {
  let from = nurseryStart();
  let top = nurseryTop();
  let end = from + nurserySize();
  let block = nurseryRenew();
  genAdoptChunk(PROMOTED_GEN, block, top, end);
  promotedStartAddr = from;
  promotedSize = top - from;
  promotions++;
}

/** Step 3: the size of a stub met by the scan. */
export function promotedStubSize(p: usize, info: u32): usize {
  if (!inPromoted(p)) fail("promotedStubSize: a forwarded object outside the promoted nursery at " + p.toString());
  return sizeFor(kindOfInfo(infoOf(forwardee(info))), lengthOf(p));
}

/** Step 4, at the end of every collection. FAULT_PROMOTE_KEEP_STUBS leaves the stubs forwarded. */
export function promotionEnd(): void {
  if (promotedSize == 0) return;
  let keep = faultOn(FAULT_PROMOTE_KEEP_STUBS);
  for (let e = copyLog; e < copyLogTop; e += sizeof<u32>()) {
    let p = <usize>load<u32>(e);
    if (keep) continue;
    let size = sizeFor(kindOfInfo(infoOf(forwardee(infoOf(p)))), lengthOf(p));
    setInfo(p, makeInfo(KIND_BYTES, PROMOTED_GEN, 0));
    setLength(p, <u32>(size - HEADER_SIZE));
  }
  promotedStartAddr = 0;
  promotedSize = 0;
}

/** Minor collections that promoted the rest of the nursery in place. */
export function nurseryPromotions(): u32 { return promotions; }

export function promoteReset(): void {
  promotedStartAddr = 0;
  promotedSize = 0;
  promotions = 0;
  copyLog = 0;
  copyLogTop = 0;
}
